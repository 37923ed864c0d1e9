using Akka.Actor;
using Akka.Streams;
using WaCluster.Actors.Connection.Streams;
using WaCluster.Protocol;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Framing;
using WaCluster.Protocol.Noise;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Streams;

/// <summary>
/// The connection pipeline on its own: nodes through real Noise sessions both ways, bad wire input as typed failures
/// that end the stream cleanly, and bounded buffers under a stalled engine or a stalled socket.
/// </summary>
[Trait("Proof", "cluster-streams")]
public sealed class NodePipelineTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private static readonly StreamTransportSettings Settings = new() { ReceiveBuffer = 8, SendBuffer = 8 };
    private ActorSystem _system = null!;
    private IMaterializer _materializer = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("streams-" + Guid.NewGuid().ToString("N"), "akka.loglevel = WARNING");
        _materializer = _system.Materializer();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate();

    [Fact]
    public async Task Nodes_cross_both_ways_in_order_through_the_noise_session()
    {
        var pair = await NoiseSessionPair.CreateAsync();
        var inbound = Enumerable.Range(0, 300).Select(Node).ToArray();
        // Several frames per chunk and frames split across chunks, as a socket delivers them.
        var wireBytes = inbound.SelectMany(pair.ServerFrame).ToArray();
        var wire = new TestWire(wireBytes.Chunk(777), stayOpen: true);
        await using var transport = NodePipeline.Run(wire.Ends, pair.Client, Settings, _materializer);

        foreach (var expected in inbound)
        {
            var node = await transport.ReceiveAsync().AsTask().WaitAsync(Deadline);
            Assert.NotNull(node);
            Assert.Equal(expected.GetAttribute("id"), node.GetAttribute("id"));
            Assert.Equal(expected.Bytes.ToArray(), node.Bytes.ToArray());
        }

        var outbound = Enumerable.Range(1000, 200).Select(Node).ToArray();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(sender => Task.Run(async () =>
        {
            for (var i = sender; i < outbound.Length; i += 4)
            {
                await transport.SendAsync(outbound[i]);
            }
        }))).WaitAsync(Deadline);
        await Eventually.UntilAsync(() => wire.Written.Count == outbound.Length, Deadline, "every node written");

        // Every frame decrypts with the server's counter in wire order, and each sender's nodes kept their order.
        var seen = pair.ReadClientNodes(wire.Written).Select(n => int.Parse(n.GetAttribute("id")!)).ToList();
        Assert.Equal(outbound.Select(n => int.Parse(n.GetAttribute("id")!)).Order(), seen.Order());
        for (var sender = 0; sender < 4; sender++)
        {
            var mine = seen.Where(id => (id - 1000) % 4 == sender).ToList();
            Assert.Equal(mine.Order(), mine);
        }
    }

    [Fact]
    public async Task A_close_between_frames_ends_receives_with_null_and_ends_sends()
    {
        var pair = await NoiseSessionPair.CreateAsync();
        var wire = new TestWire([pair.ServerFrame(Node(1)), pair.ServerFrame(Node(2))]);
        await using var transport = NodePipeline.Run(wire.Ends, pair.Client, Settings, _materializer);

        Assert.Equal("1", (await transport.ReceiveAsync().AsTask().WaitAsync(Deadline))!.GetAttribute("id"));
        Assert.Equal("2", (await transport.ReceiveAsync().AsTask().WaitAsync(Deadline))!.GetAttribute("id"));
        Assert.Null(await transport.ReceiveAsync().AsTask().WaitAsync(Deadline));
        await AssertSendsFail(transport);
    }

    [Fact]
    public async Task A_length_over_the_maximum_fails_the_stream_with_a_typed_error_at_once()
    {
        var pair = await NoiseSessionPair.CreateAsync(clientMaxFrameSize: 64 * 1024);
        var lying = new byte[] { 0x10, 0x00, 0x00, 1, 2, 3 }; // declares 1 MiB, sends three bytes, stays open
        var wire = new TestWire([pair.ServerFrame(Node(1)), lying], stayOpen: true);
        await using var transport = NodePipeline.Run(wire.Ends, pair.Client, Settings, _materializer);

        Assert.Equal("1", (await transport.ReceiveAsync().AsTask().WaitAsync(Deadline))!.GetAttribute("id"));
        var error = await Assert.ThrowsAsync<FrameException>(() => transport.ReceiveAsync().AsTask().WaitAsync(Deadline));
        Assert.Equal(FrameError.TooLarge, error.Error);
        await AssertSendsFail(transport);
    }

    [Fact]
    public async Task A_connection_cut_inside_a_frame_is_a_truncation_not_a_clean_close()
    {
        var pair = await NoiseSessionPair.CreateAsync();
        var frame = pair.ServerFrame(Node(7));
        var wire = new TestWire([frame.AsSpan(0, frame.Length / 2).ToArray()]);
        await using var transport = NodePipeline.Run(wire.Ends, pair.Client, Settings, _materializer);

        var error = await Assert.ThrowsAsync<FrameException>(() => transport.ReceiveAsync().AsTask().WaitAsync(Deadline));
        Assert.Equal(FrameError.Truncated, error.Error);
    }

    [Fact]
    public async Task A_tampered_frame_fails_authentication_and_ends_the_stream()
    {
        var pair = await NoiseSessionPair.CreateAsync();
        // Sealed in wire order: each frame's nonce is its position.
        var frames = new[] { pair.ServerFrame(Node(1)), pair.ServerFrame(Node(2)), pair.ServerFrame(Node(3)) };
        frames[1][^1] ^= 0x40;
        var wire = new TestWire(frames, stayOpen: true);
        await using var transport = NodePipeline.Run(wire.Ends, pair.Client, Settings, _materializer);

        Assert.Equal("1", (await transport.ReceiveAsync().AsTask().WaitAsync(Deadline))!.GetAttribute("id"));
        var error = await Assert.ThrowsAsync<NoiseException>(() => transport.ReceiveAsync().AsTask().WaitAsync(Deadline));
        Assert.Equal(NoiseError.DecryptFailed, error.Error);
        // Nothing after the bad frame is handed on.
        await Assert.ThrowsAsync<NoiseException>(() => transport.ReceiveAsync().AsTask().WaitAsync(Deadline));
        await AssertSendsFail(transport);
    }

    [Fact]
    public async Task Authentic_garbage_plaintext_is_a_codec_error()
    {
        var pair = await NoiseSessionPair.CreateAsync();
        var wire = new TestWire([pair.ServerFrameOf([0, 0xFF, 0xFF, 0x01])], stayOpen: true);
        await using var transport = NodePipeline.Run(wire.Ends, pair.Client, Settings, _materializer);

        var error = await Assert.ThrowsAnyAsync<ProtocolException>(() => transport.ReceiveAsync().AsTask().WaitAsync(Deadline));
        Assert.IsType<BinaryCodecException>(error);
    }

    [Fact]
    public async Task A_stalled_engine_stops_socket_reads_after_a_bounded_number_of_frames()
    {
        var pair = await NoiseSessionPair.CreateAsync();
        const int total = 2000;
        // One frame per chunk, so chunks pulled = frames taken off the socket.
        var wire = new TestWire(Enumerable.Range(0, total).Select(i => pair.ServerFrame(Node(i))));
        await using var transport = NodePipeline.Run(wire.Ends, pair.Client, Settings, _materializer);

        await Eventually.UntilAsync(() => wire.Pulled >= Settings.ReceiveBuffer, Deadline, "the receive buffer filled from the wire");
        Assert.InRange(wire.Pulled, Settings.ReceiveBuffer, Settings.ReceiveBuffer + MaxInFlightStages);

        // The bound holds at every step, not at one moment: the wire is never read further ahead of the engine than
        // the buffer and the stages hold (a pipeline without backpressure would race through the wire's 2000 frames).
        for (var i = 0; i < total; i++)
        {
            Assert.Equal(i.ToString(), (await transport.ReceiveAsync().AsTask().WaitAsync(Deadline))!.GetAttribute("id"));
            Assert.InRange(wire.Pulled - (i + 1), 0, Settings.ReceiveBuffer + MaxInFlightStages);
        }
        Assert.Equal(total, wire.Pulled);
    }

    [Fact]
    public async Task A_stalled_socket_makes_senders_wait_once_the_send_buffer_is_full()
    {
        var pair = await NoiseSessionPair.CreateAsync();
        var wire = new TestWire([], gateOpen: false, stayOpen: true);
        await using var transport = NodePipeline.Run(wire.Ends, pair.Client, Settings, _materializer);

        // All at once, in order (senders waiting for room are served first come, first served): the pipeline takes
        // sends until its buffer and stages are full; the others wait. A buffer that does not bound would take all
        // 100 at once, each send completing as it is made.
        var sends = Enumerable.Range(0, 100).Select(i => transport.SendAsync(Node(i)).AsTask()).ToArray();
        await Eventually.UntilAsync(() => sends.Count(s => s.IsCompleted) >= Settings.SendBuffer, Deadline, "the send buffer filled");
        var done = sends.Select(s => s.IsCompleted).ToArray();
        var accepted = done.Count(completed => completed);
        Assert.False(done[^1], "100 sends were accepted by a socket that writes nothing");
        Assert.InRange(accepted, Settings.SendBuffer, Settings.SendBuffer + MaxInFlightStages);
        Assert.All(done.Take(accepted), Assert.True);
        Assert.Empty(wire.Written);

        wire.OpenGate();
        await Task.WhenAll(sends).WaitAsync(Deadline);
        await Eventually.UntilAsync(() => wire.Written.Count == sends.Length, Deadline, "every waiting node written");
        Assert.Equal(Enumerable.Range(0, sends.Length).Select(i => i.ToString()),
            pair.ReadClientNodes(wire.Written).Select(n => n.GetAttribute("id")));
    }

    [Fact]
    public async Task Disposing_drains_queued_sends_then_closes_the_wire()
    {
        var pair = await NoiseSessionPair.CreateAsync();
        var wire = new TestWire([], stayOpen: true);
        var transport = NodePipeline.Run(wire.Ends, pair.Client, Settings, _materializer);
        for (var i = 0; i < 5; i++)
        {
            await transport.SendAsync(Node(i));
        }
        await transport.DisposeAsync().AsTask().WaitAsync(Deadline);

        Assert.True(wire.Closed);
        Assert.Equal(["0", "1", "2", "3", "4"], pair.ReadClientNodes(wire.Written).Select(n => n.GetAttribute("id")));
        await AssertSendsFail(transport);
    }

    // Elements a fused pipeline may hold between its stages besides the channel (one per stage input).
    private const int MaxInFlightStages = 8;

    private static BinaryNode Node(int id) =>
        new("message", [("id", id.ToString()), ("to", "15550001111@s.whatsapp.net")], new byte[id % 300]);

    private static async Task AssertSendsFail(StreamNodeTransport transport) =>
        // The failure reaches the send side asynchronously; sends accepted before it are simply lost with the connection.
        await Assert.ThrowsAsync<IOException>(() => Eventually.UntilAsync(async () =>
        {
            await transport.SendAsync(Node(0));
            return false;
        }, Deadline, "a send failing"));
}

using System.Security.Cryptography;
using WaCluster.Protocol.Framing;
using WaCluster.TestSupport;

namespace WaCluster.Protocol.Tests.Framing;

/// <summary>The frame codec against Baileys' encodeFrame/decodeFrame, and its own edge cases.</summary>
[Trait("Proof", "wire-noise")]
public sealed class FrameCodecTests : IAsyncLifetime
{
    private NodeHarness _node = null!;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Baileys_frames_decode_here_in_any_chunking_with_both_intro_forms(bool routed)
    {
        var payloads = Payloads(300);
        byte[]? routingInfo = routed ? RandomNumberGenerator.GetBytes(17) : null;
        var wire = Convert.FromBase64String(await _node.CallAsync<string>("noise.baileysEncodeFrames",
            new { payloads = payloads.Select(Convert.ToBase64String), routingInfo = routingInfo is null ? null : Convert.ToBase64String(routingInfo) }));

        // Our encoder produces the very same bytes.
        var encoder = new FrameEncoder(FrameFormat.BuildIntro(routingInfo));
        Assert.Equal(wire, payloads.SelectMany(p => encoder.Encode(p)).ToArray());
        Assert.Equal(payloads.Length, encoder.Counters.FramesOut);
        Assert.Equal(wire.Length, encoder.Counters.BytesOut);

        foreach (var chunkSize in new[] { 1, 2, 3, 7, 1000, wire.Length })
        {
            var decoder = new FrameDecoder(expectIntro: true);
            var frames = new List<byte[]>();
            foreach (var chunk in wire.Chunk(chunkSize))
            {
                decoder.Feed(chunk);
                while (decoder.TryReadFrame(out var frame)) frames.Add(frame.ToArray());
            }
            decoder.Finish();
            Assert.Equal(payloads, frames);
            Assert.Equal(FrameFormat.WaHeader.ToArray(), decoder.Header);
            Assert.Equal(routingInfo, decoder.RoutingInfo);
            Assert.Equal(payloads.Length, decoder.Counters.FramesIn);
            Assert.Equal(wire.Length, decoder.Counters.BytesIn);
        }
    }

    [Fact]
    public async Task Our_frames_decode_in_Baileys_in_random_chunks()
    {
        var payloads = Payloads(300);
        var encoder = new FrameEncoder([]);
        var wire = payloads.SelectMany(p => encoder.Encode(p)).ToArray();
        var random = new Random(7);
        var chunks = new List<string>();
        for (var offset = 0; offset < wire.Length;)
        {
            var size = Math.Min(wire.Length - offset, random.Next(1, 600));
            chunks.Add(Convert.ToBase64String(wire, offset, size));
            offset += size;
        }
        var decoded = await _node.CallAsync<string[]>("noise.baileysDecodeFrames", new { chunks });
        Assert.Equal(payloads, decoded.Select(Convert.FromBase64String));
    }

    [Fact]
    public void The_intro_precedes_only_the_first_frame()
    {
        var encoder = new FrameEncoder(FrameFormat.BuildIntro([0xAA, 0xBB]));
        Assert.Equal(Convert.FromHexString("4544000100000 2AABB57410603000001 07".Replace(" ", "")), encoder.Encode([7]));
        Assert.Equal(Convert.FromHexString("0000020809"), encoder.Encode([8, 9]));
        Assert.Equal(Convert.FromHexString("57410603000000"), new FrameEncoder(FrameFormat.BuildIntro()).Encode([]));
    }

    [Fact]
    public void A_frame_over_the_maximum_is_refused_from_its_prefix_alone()
    {
        var decoder = new FrameDecoder(expectIntro: false, maxFrameSize: 100);
        decoder.Feed([0x00, 0x00, 0x64]);
        Assert.False(decoder.TryReadFrame(out _));
        var decoder2 = new FrameDecoder(expectIntro: false, maxFrameSize: 100);
        decoder2.Feed([0x00, 0x00, 0x65]);
        Assert.Equal(FrameError.TooLarge, Assert.Throws<FrameException>(() => decoder2.TryReadFrame(out _)).Error);

        var encoder = new FrameEncoder([], maxFrameSize: 100);
        Assert.Equal(FrameError.TooLarge, Assert.Throws<FrameException>(() => encoder.Encode(new byte[101])).Error);
        Assert.Equal(FrameError.TooLarge, Assert.Throws<FrameException>(() => new FrameEncoder([]).Encode(new byte[1 << 24])).Error);
    }

    [Theory]
    [InlineData("00")]
    [InlineData("5742")]
    [InlineData("45440002")]
    [InlineData("57410703")]
    [InlineData("4544000100000157 41070300")]
    public void A_foreign_intro_is_refused(string hex)
    {
        var decoder = new FrameDecoder(expectIntro: true);
        decoder.Feed(Convert.FromHexString(hex.Replace(" ", "")));
        Assert.Equal(FrameError.BadIntro, Assert.Throws<FrameException>(() => decoder.TryReadFrame(out _)).Error);
    }

    [Fact]
    public void Routing_info_longer_than_the_cap_is_refused_before_buffering()
    {
        var decoder = new FrameDecoder(expectIntro: true);
        decoder.Feed([0x45, 0x44, 0x00, 0x01, 0xFF, 0xFF, 0xFF]);
        Assert.Equal(FrameError.TooLarge, Assert.Throws<FrameException>(() => decoder.TryReadFrame(out _)).Error);
    }

    [Theory]
    [InlineData("5741")]
    [InlineData("57410603 0000")]
    [InlineData("57410603 000005 0102")]
    [InlineData("45440001 000003 0102")]
    public void A_stream_ending_mid_intro_or_mid_frame_is_truncated(string hex)
    {
        var decoder = new FrameDecoder(expectIntro: true);
        decoder.Feed(Convert.FromHexString(hex.Replace(" ", "")));
        while (decoder.TryReadFrame(out _))
        {
        }
        Assert.Equal(FrameError.Truncated, Assert.Throws<FrameException>(decoder.Finish).Error);
    }

    [Fact]
    public void A_stream_ending_between_frames_is_clean()
    {
        var decoder = new FrameDecoder(expectIntro: true);
        decoder.Feed(Convert.FromHexString("57410603000001AA000000"));
        Assert.True(decoder.TryReadFrame(out var first));
        Assert.Equal([0xAA], first.ToArray());
        Assert.True(decoder.TryReadFrame(out var empty));
        Assert.True(empty.IsEmpty);
        Assert.False(decoder.TryReadFrame(out _));
        decoder.Finish();
    }

    [Fact]
    public async Task The_stream_reader_returns_frames_then_null_at_a_clean_end()
    {
        var encoder = new FrameEncoder([]);
        var payloads = Payloads(50);
        var stream = new MemoryStream(payloads.SelectMany(p => encoder.Encode(p)).ToArray());
        var reader = new FrameStreamReader(stream, new FrameDecoder(expectIntro: false));
        foreach (var payload in payloads)
        {
            Assert.Equal(payload, (await reader.ReadFrameAsync())!.Value.ToArray());
        }
        Assert.Null(await reader.ReadFrameAsync());

        var cut = new FrameStreamReader(new MemoryStream([0, 0, 9, 1, 2]), new FrameDecoder(expectIntro: false));
        Assert.Equal(FrameError.Truncated, (await Assert.ThrowsAsync<FrameException>(async () => await cut.ReadFrameAsync())).Error);
    }

    private static byte[][] Payloads(int count) =>
        Enumerable.Range(0, count).Select(i => RandomNumberGenerator.GetBytes(i * 131 % 5000)).ToArray();
}

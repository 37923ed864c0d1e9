using System.Net.WebSockets;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Framing;

namespace WaCluster.Simulator.Tests;

/// <summary>Hostile or broken clients get a stream error or a close, and a live connection beside them carries on.</summary>
[Trait("Proof", "sim-badinput")]
public sealed class BadInputTests : IAsyncLifetime
{
    private SimulatorHost _host = null!;
    private RawChatClient _live = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            MaxFrameSize = 64 * 1024,
            HandshakeTimeout = TimeSpan.FromSeconds(2),
            CloseGrace = TimeSpan.FromSeconds(1),
        });
        _live = await RawChatClient.OpenAsync(_host.ChatUri);
        await _live.HandshakeAsync(_host.Simulator.RootPublicKey);
        Assert.NotNull((await _live.ReceiveNodeAsync())?.GetChild("pair-device"));
    }

    public async Task DisposeAsync()
    {
        await _live.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Garbage_instead_of_the_intro_is_closed()
    {
        await using var client = await RawChatClient.OpenAsync(_host.ChatUri);
        await client.SendRawAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        await AssertClosedAsync(client);
        await AssertLiveAsync();
    }

    [Fact]
    public async Task Garbage_handshake_message_is_closed()
    {
        await using var client = await RawChatClient.OpenAsync(_host.ChatUri);
        await client.SendFrameAsync([0xFF, 0x00, 0x13, 0x37]);
        await AssertClosedAsync(client);
        await AssertLiveAsync();
    }

    [Fact]
    public async Task Oversized_frame_is_closed_before_it_is_buffered()
    {
        await using var client = await RawChatClient.OpenAsync(_host.ChatUri);
        var intro = FrameFormat.BuildIntro();
        await client.SendRawAsync([.. intro, 0x7F, 0xFF, 0xFF]); // declares ~8 MB, over the 64 KiB cap
        await AssertClosedAsync(client);
        await AssertLiveAsync();
    }

    [Fact]
    public async Task Forged_ciphertext_after_the_handshake_is_closed()
    {
        await using var client = await RawChatClient.OpenAsync(_host.ChatUri);
        await client.HandshakeAsync(_host.Simulator.RootPublicKey);
        await client.SendFrameAsync(new byte[48]);
        Assert.Null(await client.ReceiveUntilAsync(_ => false));
        await AssertLiveAsync();
    }

    [Fact]
    public async Task Unknown_stanza_gets_a_stream_error_then_close()
    {
        await using var client = await RawChatClient.OpenAsync(_host.ChatUri);
        await client.HandshakeAsync(_host.Simulator.RootPublicKey);
        await client.SendNodeAsync(new BinaryNode("frobnicate", [("id", "1")]));
        var error = await client.ReceiveUntilAsync(n => n.Tag == "stream:error");
        Assert.NotNull(error);
        Assert.Null(await client.ReceiveUntilAsync(_ => false));
        await AssertLiveAsync();
    }

    [Fact]
    public async Task Unknown_iq_namespace_gets_an_error_iq_and_the_stream_stays_up()
    {
        await using var client = await RawChatClient.OpenAsync(_host.ChatUri);
        await client.HandshakeAsync(_host.Simulator.RootPublicKey);
        await client.SendNodeAsync(new BinaryNode("iq", [("id", "q1"), ("type", "get"), ("xmlns", "w:p"), ("to", "s.whatsapp.net")], [new BinaryNode("ping")]));
        var pong = await client.ReceiveUntilAsync(n => n.Tag == "iq" && n["id"] == "q1");
        Assert.Equal("result", pong?["type"]);
        await AssertLiveAsync();
    }

    [Fact]
    public async Task Half_open_connection_is_cut_after_the_handshake_timeout()
    {
        await using var client = await RawChatClient.OpenAsync(_host.ChatUri);
        await client.SendRawAsync(FrameFormat.BuildIntro()); // intro, then silence
        await AssertClosedAsync(client);
        await AssertLiveAsync();
    }

    private static async Task AssertClosedAsync(RawChatClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                var result = await client.Socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close) return;
            }
        }
        catch (WebSocketException)
        {
            // An abortive close is a close too.
        }
    }

    /// <summary>The connection opened before the bad input still answers a keepalive.</summary>
    private async Task AssertLiveAsync()
    {
        var id = Guid.NewGuid().ToString("N");
        await _live.SendNodeAsync(new BinaryNode("iq", [("id", id), ("type", "get"), ("xmlns", "w:p"), ("to", "s.whatsapp.net")], [new BinaryNode("ping")]));
        var pong = await _live.ReceiveUntilAsync(n => n.Tag == "iq" && n["id"] == id);
        Assert.Equal("result", pong?["type"]);
    }
}

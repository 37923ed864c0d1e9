using WaCluster.Protocol.Binary;

namespace WaCluster.Simulator.Tests;

/// <summary>Bad stanzas from a logged-in device: an error iq or an error ack, never silence, and the stream stays usable.</summary>
[Trait("Proof", "sim-badinput")]
public sealed class LoggedInBadInputTests : IAsyncLifetime
{
    private SimulatorHost _host = null!;
    private RawChatClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync();
        (_client, _) = await RawCompanion.LinkAndLoginAsync(_host);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Theory]
    [InlineData("w:nonsense", "get", 501)]
    [InlineData("encrypt", "frobnicate", 501)]
    [InlineData("usync", "get", 400)] // no <usync> child
    [InlineData("w:g2", "get", 400)] // not addressed to a group
    public async Task Unsupported_or_malformed_iqs_get_an_error_iq(string xmlns, string type, int code)
    {
        var id = Guid.NewGuid().ToString("N");
        await _client.SendNodeAsync(new BinaryNode("iq", [("id", id), ("to", "s.whatsapp.net"), ("type", type), ("xmlns", xmlns)], [new BinaryNode("whatever")]));
        var answer = await _client.ReceiveUntilAsync(n => n.Tag == "iq" && n["id"] == id);
        Assert.Equal("error", answer?["type"]);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), answer?.GetChild("error")?["code"]);
        await AssertStillServedAsync();
    }

    [Fact]
    public async Task A_pre_key_upload_with_a_foreign_identity_is_refused()
    {
        await _client.SendNodeAsync(new BinaryNode("iq", [("id", "up"), ("to", "s.whatsapp.net"), ("type", "set"), ("xmlns", "encrypt")],
        [
            new BinaryNode("registration", [], new byte[] { 0, 0, 0, 1 }),
            new BinaryNode("type", [], new byte[] { 5 }),
            new BinaryNode("identity", [], new byte[32]),
            new BinaryNode("list", [], ReadOnlySpan<BinaryNode>.Empty),
            new BinaryNode("skey", [], [new BinaryNode("id", [], new byte[3]), new BinaryNode("value", [], new byte[32]), new BinaryNode("signature", [], new byte[64])]),
        ]));
        var answer = await _client.ReceiveUntilAsync(n => n.Tag == "iq" && n["id"] == "up");
        Assert.Equal(("error", "400"), (answer?["type"], answer?.GetChild("error")?["code"]));
        await AssertStillServedAsync();
    }

    [Fact]
    public async Task A_message_to_a_user_who_does_not_exist_gets_an_error_ack()
    {
        await _client.SendNodeAsync(new BinaryNode("message", [("id", "nobody"), ("to", "19999999999@s.whatsapp.net"), ("type", "text")],
            [new BinaryNode("enc", [("v", "2"), ("type", "msg")], new byte[] { 1 })]));
        var ack = await _client.ReceiveUntilAsync(n => n.Tag == "ack" && n["id"] == "nobody");
        Assert.Equal(("message", "404"), (ack?["class"], ack?["error"]));
        await AssertStillServedAsync();
    }

    [Fact]
    public async Task A_message_without_an_id_ends_the_stream_with_a_stream_error()
    {
        await _client.SendNodeAsync(new BinaryNode("message", [("to", "19999999999@s.whatsapp.net")]));
        Assert.NotNull(await _client.ReceiveUntilAsync(n => n.Tag == "stream:error"));
        Assert.Null(await _client.ReceiveUntilAsync(_ => false));
    }

    private async Task AssertStillServedAsync()
    {
        await _client.SendNodeAsync(new BinaryNode("iq", [("id", "alive"), ("to", "s.whatsapp.net"), ("type", "get"), ("xmlns", "w:p")], [new BinaryNode("ping")]));
        Assert.Equal("result", (await _client.ReceiveUntilAsync(n => n["id"] == "alive"))?["type"]);
    }
}

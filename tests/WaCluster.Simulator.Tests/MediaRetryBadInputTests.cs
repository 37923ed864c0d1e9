using WaCluster.Protocol.Binary;

namespace WaCluster.Simulator.Tests;

/// <summary>
/// Re-upload requests and answers the simulator cannot route: a request about a user who does not exist gets "not
/// found" from the server, an answer for a device that does not exist is acked and dropped, a request without
/// <c>&lt;rmr&gt;</c> is malformed and ends the stream.
/// </summary>
[Trait("Proof", "sim-badinput")]
public sealed class MediaRetryBadInputTests : IAsyncLifetime
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

    [Fact]
    public async Task Unroutable_requests_get_not_found_unroutable_answers_are_dropped_and_a_request_without_rmr_ends_the_stream()
    {
        await _client.SendNodeAsync(new BinaryNode("receipt", [("id", "3EB0NOBODY"), ("to", "15550000000@s.whatsapp.net"), ("type", "server-error")],
            [new BinaryNode("rmr", [("jid", "19999999999@s.whatsapp.net"), ("from_me", "false")])]));
        var ack = await _client.ReceiveUntilAsync(n => n.Tag == "ack" && n["id"] == "3EB0NOBODY");
        Assert.Equal(("receipt", "server-error"), (ack?["class"], ack?["type"]));
        var answer = await _client.ReceiveUntilAsync(n => n.Tag == "notification" && n["id"] == "3EB0NOBODY");
        Assert.Equal(("mediaretry", "2", "19999999999@s.whatsapp.net"), (answer?["type"], answer?.GetChild("error")?["code"], answer?.GetChild("rmr")?["jid"]));

        await _client.SendNodeAsync(new BinaryNode("notification", [("id", "3EB0LOST"), ("to", "19999999999:3@s.whatsapp.net"), ("type", "mediaretry")],
            [new BinaryNode("rmr", [("jid", "19999999999@s.whatsapp.net"), ("from_me", "false")]), new BinaryNode("error", [("code", "2")])]));
        Assert.Equal("notification", (await _client.ReceiveUntilAsync(n => n.Tag == "ack" && n["id"] == "3EB0LOST"))?["class"]);
        await _client.SendNodeAsync(new BinaryNode("iq", [("id", "alive"), ("to", "s.whatsapp.net"), ("type", "get"), ("xmlns", "w:p")], [new BinaryNode("ping")]));
        Assert.Equal("result", (await _client.ReceiveUntilAsync(n => n["id"] == "alive"))?["type"]);

        await _client.SendNodeAsync(new BinaryNode("receipt", [("id", "3EB0NORMR"), ("to", "15550000000@s.whatsapp.net"), ("type", "server-error")]));
        Assert.NotNull(await _client.ReceiveUntilAsync(n => n.Tag == "stream:error"));
        Assert.Null(await _client.ReceiveUntilAsync(_ => false));
    }
}

using System.Globalization;
using WaCluster.Protocol.Binary;

namespace WaCluster.Simulator.Tests;

/// <summary>
/// LID addressing, privacy tokens and statuses on the wire with our own raw client: a device list asked by LID, the
/// 463 refusal, the privacy_token notification and a send with the token; and bad input (no status recipients, an unknown LID, a malformed token) answered with
/// error acks and iqs while the stream stays served.
/// </summary>
[Trait("Proof", "sim-lid")]
public sealed class LidAndTokenRawTests : IAsyncLifetime
{
    private SimulatorHost _host = null!;
    private RawChatClient _alice = null!;
    private RawChatClient _bob = null!;
    private AccountInfo _aliceAccount = null!;
    private AccountInfo _bobAccount = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(new SimulatorOptions { RequirePrivacyTokens = true });
        (_alice, _aliceAccount) = await RawCompanion.LinkAndLoginAsync(_host);
        (_bob, _bobAccount) = await RawCompanion.LinkAndLoginAsync(_host);
    }

    public async Task DisposeAsync()
    {
        await _alice.DisposeAsync();
        await _bob.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_send_without_the_recipients_token_gets_463_and_one_with_the_issued_token_is_delivered()
    {
        Assert.Equal("463", (await SendToBobAsync("first", tctoken: null))?["error"]);

        // bob issues his token to alice: alice is told with a privacy_token notification from bob.
        var time = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        await _bob.SendNodeAsync(new BinaryNode("iq", [("id", "issue"), ("to", "s.whatsapp.net"), ("type", "set"), ("xmlns", "privacy")],
            [new BinaryNode("tokens", [], [new BinaryNode("token", [("jid", _aliceAccount.Jid), ("t", time), ("type", "trusted_contact")])])]));
        Assert.Equal("result", (await _bob.ReceiveUntilAsync(n => n.Tag == "iq" && n["id"] == "issue"))?["type"]);
        var notification = await _alice.ReceiveUntilAsync(n => n.Tag == "notification" && n["type"] == "privacy_token");
        Assert.Equal((_bobAccount.Jid, _bobAccount.Lid), (notification?["from"], notification?["sender_lid"]));
        var token = notification!.RequireChild("tokens").RequireChild("token");
        Assert.Equal(("trusted_contact", time), (token["type"], token["t"]));
        Assert.False(token.Bytes.IsEmpty);

        var forged = token.Bytes.ToArray();
        forged[0] ^= 1;
        Assert.Equal("463", (await SendToBobAsync("forged", forged))?["error"]);
        var accepted = await SendToBobAsync("with token", token.Bytes.ToArray());
        Assert.Null(accepted?["error"]);
        Assert.NotNull(accepted?["t"]);
        var delivered = await _bob.ReceiveUntilAsync(n => n.Tag == "message");
        Assert.Equal(("with token", _aliceAccount.DeviceJid), (delivered?["id"], delivered?["from"])); // neither refused message came first
    }

    [Fact]
    public async Task A_status_naming_no_recipient_gets_an_error_ack()
    {
        await _alice.SendNodeAsync(new BinaryNode("message", [("id", "lonely"), ("to", "status@broadcast"), ("type", "text")],
            [new BinaryNode("enc", [("v", "2"), ("type", "skmsg")], new byte[] { 1, 2, 3 })]));
        var ack = await _alice.ReceiveUntilAsync(n => n.Tag == "ack" && n["id"] == "lonely");
        Assert.Equal(("message", "400"), (ack?["class"], ack?["error"]));
        await AssertStillServedAsync(_alice);
    }

    [Fact]
    public async Task A_token_for_a_lid_the_server_does_not_know_gets_an_error_iq()
    {
        await _alice.SendNodeAsync(new BinaryNode("iq", [("id", "unknown"), ("to", "s.whatsapp.net"), ("type", "set"), ("xmlns", "privacy")],
            [new BinaryNode("tokens", [], [new BinaryNode("token", [("jid", "999999999999999@lid"), ("t", "1700000000"), ("type", "trusted_contact")])])]));
        var answer = await _alice.ReceiveUntilAsync(n => n.Tag == "iq" && n["id"] == "unknown");
        Assert.Equal(("error", "404"), (answer?["type"], answer?.GetChild("error")?["code"]));
        await AssertStillServedAsync(_alice);
    }

    [Fact]
    public async Task A_message_to_a_lid_the_server_does_not_know_gets_an_error_ack()
    {
        await _alice.SendNodeAsync(new BinaryNode("message", [("id", "nolid"), ("to", "999999999999999@lid"), ("type", "text")],
            [new BinaryNode("enc", [("v", "2"), ("type", "msg")], new byte[] { 1 })]));
        var ack = await _alice.ReceiveUntilAsync(n => n.Tag == "ack" && n["id"] == "nolid");
        Assert.Equal("404", ack?["error"]);
        await AssertStillServedAsync(_alice);
    }

    [Fact]
    public async Task A_malformed_token_gets_an_error_ack_and_the_recipients_stream_is_undisturbed()
    {
        await _alice.SendNodeAsync(Message("badtoken", new BinaryNode("tctoken", [], [new BinaryNode("token")])));
        var ack = await _alice.ReceiveUntilAsync(n => n.Tag == "ack" && n["id"] == "badtoken");
        Assert.Equal("400", ack?["error"]);
        await AssertStillServedAsync(_alice);
        await AssertStillServedAsync(_bob);
    }

    [Fact]
    public async Task A_device_list_asked_by_lid_is_answered_and_updated_in_the_lid_namespace()
    {
        await _alice.SendNodeAsync(new BinaryNode("iq", [("id", "devices"), ("to", "s.whatsapp.net"), ("type", "get"), ("xmlns", "usync")],
        [
            new BinaryNode("usync", [("context", "message"), ("mode", "query"), ("sid", "s1"), ("last", "true"), ("index", "0")],
            [
                new BinaryNode("query", [], [new BinaryNode("devices", [("version", "2")]), new BinaryNode("lid")]),
                new BinaryNode("list", [], [new BinaryNode("user", [("jid", _bobAccount.Lid)])]),
            ]),
        ]));
        var answer = await _alice.ReceiveUntilAsync(n => n.Tag == "iq" && n["id"] == "devices");
        var user = answer!.RequireChild("usync").RequireChild("list").RequireChild("user");
        Assert.Equal(_bobAccount.Lid, user["jid"]);
        Assert.Equal(_bobAccount.Lid, user.GetChild("lid")?["val"]);
        var bobDevice = _bobAccount.DeviceJid!.Split(':', '@')[1];
        Assert.Equal(["0", bobDevice], user.RequireChild("devices").RequireChild("device-list").GetChildren("device").Select(d => d["id"]));

        // bob unlinks his companion: alice, who asked by LID, is told from bob's LID, naming the LID device.
        await _bob.SendNodeAsync(new BinaryNode("iq", [("id", "unlink"), ("to", "s.whatsapp.net"), ("type", "set"), ("xmlns", "md")],
            [new BinaryNode("remove-companion-device", [("jid", _bobAccount.DeviceJid), ("reason", "user_initiated")])]));
        var notification = await _alice.ReceiveUntilAsync(n => n.Tag == "notification" && n["type"] == "devices");
        Assert.Equal(_bobAccount.Lid, notification?["from"]);
        Assert.Equal(_bobAccount.DeviceLid, notification!.RequireChild("remove").RequireChild("device")["jid"]);
    }

    private async Task<BinaryNode?> SendToBobAsync(string id, byte[]? tctoken)
    {
        await _alice.SendNodeAsync(Message(id, tctoken is null ? null : new BinaryNode("tctoken", [], tctoken)));
        return await _alice.ReceiveUntilAsync(n => n.Tag == "ack" && n["id"] == id);
    }

    /// <summary>A 1:1 fan-out to bob's companion (the ciphertext is opaque to the server).</summary>
    private BinaryNode Message(string id, BinaryNode? tctoken)
    {
        var content = new List<BinaryNode>
        {
            new("participants", [], [new BinaryNode("to", [("jid", _bobAccount.DeviceJid)], [new BinaryNode("enc", [("v", "2"), ("type", "msg")], new byte[] { 1, 2 })])]),
        };
        if (tctoken is not null) content.Add(tctoken);
        return new BinaryNode("message", [("id", id), ("to", _bobAccount.Jid), ("type", "text")], content.ToArray());
    }

    private static async Task AssertStillServedAsync(RawChatClient client)
    {
        var id = Guid.NewGuid().ToString("N");
        await client.SendNodeAsync(new BinaryNode("iq", [("id", id), ("to", "s.whatsapp.net"), ("type", "get"), ("xmlns", "w:p")], [new BinaryNode("ping")]));
        Assert.Equal("result", (await client.ReceiveUntilAsync(n => n["id"] == id))?["type"]);
    }
}

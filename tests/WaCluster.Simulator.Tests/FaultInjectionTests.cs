using WaCluster.Protocol.Binary;

namespace WaCluster.Simulator.Tests;

/// <summary>The control surface's faults, seen by companions built on our own protocol code.</summary>
public sealed class FaultInjectionTests : IAsyncLifetime
{
    private SimulatorHost _host = null!;
    private RawChatClient _alice = null!;
    private RawChatClient _bob = null!;
    private AccountInfo _aliceAccount = null!;
    private AccountInfo _bobAccount = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 9 });
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
    public async Task Withheld_acks_still_relay_the_message_and_lifting_the_fault_restores_acks()
    {
        _host.Simulator.SetFaults(_aliceAccount.DeviceJid!, withholdAcks: true);
        await _alice.SendNodeAsync(Message("m1"));
        var relayed = await _bob.ReceiveUntilAsync(n => n.Tag == "message");
        Assert.Equal(("m1", _aliceAccount.DeviceJid), (relayed?["id"], relayed?["from"]));
        // Stanzas to alice are written in order: an ack would come before the answer to this later ping.
        var seen = await UntilPongAsync(_alice, "p1");
        Assert.DoesNotContain(seen, n => n.Tag == "ack");

        _host.Simulator.SetFaults(_aliceAccount.DeviceJid!, withholdAcks: false);
        await _alice.SendNodeAsync(Message("m2"));
        var ack = await _alice.ReceiveUntilAsync(n => n.Tag == "ack");
        Assert.Equal(("message", "m2"), (ack?["class"], ack?["id"]));
    }

    [Fact]
    public async Task A_delayed_device_still_gets_every_stanza_in_order()
    {
        _host.Simulator.SetFaults(_bobAccount.DeviceJid!, outboundDelay: TimeSpan.FromMilliseconds(100));
        foreach (var id in new[] { "d1", "d2", "d3" }) await _alice.SendNodeAsync(Message(id));
        var ids = new List<string?>();
        while (ids.Count < 3) ids.Add((await _bob.ReceiveUntilAsync(n => n.Tag == "message"))?["id"]);
        Assert.Equal(["d1", "d2", "d3"], ids);
    }

    [Fact]
    public async Task A_dropped_device_gets_what_was_sent_meanwhile_on_its_next_login()
    {
        Assert.True(_host.Simulator.DropConnection(_bobAccount.DeviceJid!));
        Assert.Null(await _bob.ReceiveUntilAsync(_ => false));
        await _alice.SendNodeAsync(Message("while-dropped"));
        await UntilPongAsync(_alice, "p2"); // the relay happened before the ping was answered
        Assert.Equal(1, _host.Simulator.PendingCounts()[_bobAccount.DeviceJid!]);
        Assert.False(_host.Simulator.DropConnection(_bobAccount.DeviceJid!));
    }

    private BinaryNode Message(string id) =>
        new("message", [("id", id), ("to", _bobAccount.Jid), ("type", "text")],
            [new BinaryNode("participants", [], [new BinaryNode("to", [("jid", _bobAccount.DeviceJid)], [new BinaryNode("enc", [("v", "2"), ("type", "msg")], new byte[] { 1, 2, 3 })])])]);

    private static async Task<List<BinaryNode>> UntilPongAsync(RawChatClient client, string id)
    {
        await client.SendNodeAsync(new BinaryNode("iq", [("id", id), ("to", "s.whatsapp.net"), ("type", "get"), ("xmlns", "w:p")], [new BinaryNode("ping")]));
        var seen = new List<BinaryNode>();
        await client.ReceiveUntilAsync(n =>
        {
            seen.Add(n);
            return n.Tag == "iq" && n["id"] == id;
        });
        Assert.Contains(seen, n => n.Tag == "iq" && n["id"] == id);
        return seen;
    }
}

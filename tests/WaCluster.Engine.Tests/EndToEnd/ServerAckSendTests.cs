using WaCluster.Core.Iq;
using WaCluster.Core.Messaging;
using WaCluster.Engine.Messaging;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Sends complete on the server's ack, not when the stanza is written: a caller-chosen id reaches a Baileys client
/// as is (any kind, through the one send path), an error ack is a typed rejection, a withheld ack a typed timeout.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class ServerAckSendTests() : SimulatorConversationTest(seed: 41)
{
    [Fact]
    public async Task Sends_with_our_ids_complete_on_the_server_ack_and_fail_typed_without_it()
    {
        var paired = await PairEngineAsync("15550006101", new JournalPersister(), OptionsForSimulator() with { MessageAckTimeout = TimeSpan.FromSeconds(2) });
        var (ours, account) = (paired.Engine, paired.Account);
        var carol = await StartBaileysAsync("carol");

        Assert.Equal("order-1.text", await ours.SendTextAsync(Jid.Parse(carol.Jid), "with our id", messageId: "order-1.text"));
        var reply = new Message { ExtendedTextMessage = new Message.Types.ExtendedTextMessage { Text = "generic path" } };
        Assert.Equal("order-1_generic", await ours.SendMessageAsync(Jid.Parse(carol.Jid), reply, "order-1_generic"));
        var atCarol = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "carol", count = 2 }, Slow);
        Assert.Equal([("order-1.text", "with our id"), ("order-1_generic", "generic path")], atCarol.Select(r => (r.Id, r.Text)));

        // Nobody has this number: the server's ack carries 404.
        var rejected = await Assert.ThrowsAsync<MessageRejectedException>(() => ours.SendTextAsync(Jid.Parse("15550009871@s.whatsapp.net"), "x", messageId: "nobody-1"));
        Assert.Equal(("nobody-1", 404), (rejected.Id, rejected.Code));

        // The server relays but withholds the ack: the send fails typed, to be resent with its id.
        Host.Simulator.SetFaults(account.DeviceJid!, withholdAcks: true);
        var timeout = await Assert.ThrowsAsync<ServerAckTimeoutException>(() => ours.SendTextAsync(Jid.Parse(carol.Jid), "no ack", messageId: "withheld-1"));
        Assert.Equal("withheld-1", timeout.Id);
        Host.Simulator.SetFaults(account.DeviceJid!, withholdAcks: false);

        await Assert.ThrowsAsync<InvalidMessageIdException>(() => ours.SendTextAsync(Jid.Parse(carol.Jid), "x", messageId: "bad id"));
        await paired.StopAsync();
        await Assert.ThrowsAsync<ConnectionClosedException>(() => ours.SendTextAsync(Jid.Parse(carol.Jid), "x", messageId: "after-stop"));
    }

    private sealed record Received(string Id, string From, string? Participant, string Text);
}

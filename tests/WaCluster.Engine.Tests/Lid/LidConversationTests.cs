using WaCluster.Core.Events;
using WaCluster.Core.Messaging;
using WaCluster.Core.Store;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;
using WaCluster.Simulator;

namespace WaCluster.Engine.Tests.Lid;

/// <summary>
/// A 1:1 chat with an unmodified Baileys 7 client that starts by phone number and moves to LID when WhatsApp starts
/// addressing the peer by LID, then goes on across an engine restart from the journal. The journal afterwards holds
/// the PN-LID pair and one session per peer device, under its LID address.
/// </summary>
[Trait("Proof", "engine-lid")]
public sealed class LidSwitchConversationTests() : SimulatorConversationTest(seed: 31)
{
    [Fact]
    public async Task A_chat_that_moves_from_phone_number_to_lid_keeps_working_both_ways_and_across_a_restart()
    {
        var journal = new JournalPersister();
        var paired = await PairEngineAsync("15550031001", journal);
        var ours = paired.Engine;
        var pat = await StartBaileysAsync("pat");

        await ours.SendTextAsync(Jid.Parse(pat.Jid), "hello by number");
        Assert.Equal("hello by number", (await LidChat.ReceivedAtAsync(Node, "pat", 1, Slow))[0].Text);
        await LidChat.SendFromAsync(Node, "pat", paired.Account.Jid, "answer by number", Slow);
        var byNumber = Assert.Single(await LidChat.TextsAsync(ours, 1));
        Assert.Equal((pat.Jid, "answer by number", false), (byNumber.Key.RemoteJid.ToString(), byNumber.Text, byNumber.Key.FromMe));
        Assert.Equal((pat.Jid, pat.Lid), (byNumber.SenderPn?.ToNonAd().ToString(), byNumber.SenderLid?.ToNonAd().ToString()));

        // WhatsApp starts addressing pat by LID: its next message comes from its LID with sender_pn.
        Host.Simulator.SetAddressing(pat.Phone, byLid: true);
        await LidChat.SendFromAsync(Node, "pat", paired.Account.Jid, "now from my lid", Slow);
        var byLid = Assert.Single(await LidChat.TextsAsync(ours, 1));
        Assert.Equal((pat.Lid, "now from my lid"), (byLid.Key.RemoteJid.ToString(), byLid.Text));
        Assert.Equal(pat.Jid, byLid.SenderPn?.ToNonAd().ToString());
        await ours.SendTextAsync(byLid.Key.RemoteJid, "reply to your lid");
        Assert.Equal("reply to your lid", (await LidChat.ReceivedAtAsync(Node, "pat", 2, Slow))[1].Text);
        await LidChat.AssertOneLidSessionPerDeviceAsync(journal, pat);

        // Restarted from nothing but the journal: the map and the LID sessions come back, the chat goes on.
        await paired.StopAsync();
        var (creds, keys) = await journal.ReplayAsync();
        var data = journal.ReplayData();
        Assert.Equal(pat.Lid, new LidMappings(data).LidOf(Jid.Parse(pat.Jid))?.ToString());
        var restarted = new AccountEngine(creds, keys, journal, OptionsForSimulator(), receivedMessageKeys: journal.ReceivedKeys, data: data);
        using var stop = new CancellationTokenSource();
        var running = restarted.RunAsync(stop.Token);
        await restarted.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);
        await LidChat.SendFromAsync(Node, "pat", paired.Account.Jid, "after your restart", Slow);
        var afterRestart = Assert.Single(await LidChat.TextsAsync(restarted, 1));
        Assert.Equal((pat.Lid, "after your restart"), (afterRestart.Key.RemoteJid.ToString(), afterRestart.Text));
        await restarted.SendTextAsync(afterRestart.Key.RemoteJid, "restarted reply");
        Assert.Equal("restarted reply", (await LidChat.ReceivedAtAsync(Node, "pat", 3, Slow))[2].Text);
        await LidChat.AssertOneLidSessionPerDeviceAsync(journal, pat);
        await stop.CancelAsync();
        await running.WaitAsync(Slow);
    }
}

/// <summary>
/// Every account LID-addressed from the start: a Baileys 7 user and our account converse both ways from the first
/// message, by LID and by phone number, on one session per device.
/// </summary>
[Trait("Proof", "engine-lid")]
public sealed class LidAddressedConversationTests() : SimulatorConversationTest(seed: 32, lidAddressedUsers: true)
{
    [Fact]
    public async Task A_lid_addressed_user_and_our_account_converse_both_ways_from_the_first_message()
    {
        var journal = new JournalPersister();
        var paired = await PairEngineAsync("15550032001", journal);
        var ours = paired.Engine;
        var lou = await StartBaileysAsync("lou");

        await LidChat.SendFromAsync(Node, "lou", paired.Account.Jid, "first, from a lid", Slow);
        // The pair is announced once persisted, before the message that taught it.
        var mapping = await ours.Events.NextAsync<LidMappingUpdated>(m => m.Lid.ToString() == lou.Lid, seconds: 40);
        Assert.Equal(lou.Jid, mapping.Pn.ToString());
        var first = Assert.Single(await LidChat.TextsAsync(ours, 1));
        Assert.Equal((lou.Lid, "first, from a lid", false), (first.Key.RemoteJid.ToString(), first.Text, first.Key.FromMe));
        Assert.Equal((lou.Jid, lou.Lid), (first.SenderPn?.ToNonAd().ToString(), first.SenderLid?.ToNonAd().ToString()));
        Assert.Equal(lou.Lid, new LidMappings(journal.ReplayData()).LidOf(Jid.Parse(lou.Jid))?.ToString());

        await ours.SendTextAsync(first.Key.RemoteJid, "answer to your lid");
        var atLou = await LidChat.ReceivedAtAsync(Node, "lou", 1, Slow);
        Assert.Equal(("answer to your lid", paired.Account.Lid), (atLou[0].Text, Jid.Parse(atLou[0].From).ToNonAd().ToString()));
        // To the phone number too: the session used is the LID one.
        await ours.SendTextAsync(Jid.Parse(lou.Jid), "and by your number");
        Assert.Equal("and by your number", (await LidChat.ReceivedAtAsync(Node, "lou", 2, Slow))[1].Text);
        await LidChat.SendFromAsync(Node, "lou", paired.Account.Lid, "second, to your lid", Slow);
        Assert.Equal("second, to your lid", Assert.Single(await LidChat.TextsAsync(ours, 1)).Text);
        await LidChat.AssertOneLidSessionPerDeviceAsync(journal, lou);
        await paired.StopAsync();
    }
}

/// <summary>What the LID chat proofs share: Baileys' sends and receipts through the harness, our texts, the journal's sessions.</summary>
internal static class LidChat
{
    public static async Task SendFromAsync(TestSupport.NodeHarness node, string id, string to, string text, TimeSpan timeout) =>
        await node.CallAsync<string[]>("sim.send", new { id, to, texts = new[] { text } }, timeout);

    public static Task<Received[]> ReceivedAtAsync(TestSupport.NodeHarness node, string id, int count, TimeSpan timeout) =>
        node.CallAsync<Received[]>("sim.waitReceived", new { id, count }, timeout);

    public static async Task<IReadOnlyList<ReceivedMessage>> TextsAsync(AccountEngine engine, int count)
    {
        var messages = new List<ReceivedMessage>();
        while (messages.Count < count)
        {
            var next = await engine.Events.NextAsync<EngineEvent>(e => e is MessagesUpsert or EngineError, seconds: 40);
            if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
            messages.AddRange(((MessagesUpsert)next).Messages);
        }
        return messages;
    }

    // In the Signal state the journal rebuilds: the peer's devices have sessions under their LID address, none under the phone number.
    public static async Task AssertOneLidSessionPerDeviceAsync(JournalPersister journal, AccountInfo peer)
    {
        var (_, keys) = await journal.ReplayAsync();
        var lidAddress = SignalAddresses.Of(Jid.Parse(peer.Lid)).Name;
        var pnAddress = SignalAddresses.Of(Jid.Parse(peer.Jid)).Name;
        Assert.Contains(keys.Sessions.Keys, a => a.Name == lidAddress);
        Assert.DoesNotContain(keys.Sessions.Keys, a => a.Name == pnAddress);
    }

    internal sealed record Received(string Id, string From, string? Participant, string Text);
}

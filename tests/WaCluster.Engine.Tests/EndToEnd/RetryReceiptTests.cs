using WaCluster.Core.Events;
using WaCluster.Core.Messaging;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;
using WaCluster.Signal.Stores;
using WaCluster.Simulator;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Our session with a Baileys client is lost mid-conversation: its next message does not decrypt, our retry receipt
/// (with a fresh pre-key bundle) makes Baileys start a new session and resend, and the resend decrypts.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class RetryReceiptTests() : SimulatorConversationTest(seed: 19)
{
    [Fact]
    public async Task A_message_that_does_not_decrypt_is_resent_by_Baileys_after_our_retry_receipt()
    {
        var persister = new RecordingPersister();
        var paired = await PairEngineAsync("15550012001", persister);
        var (ours, ourAccount, store) = (paired.Engine, paired.Account, paired.Store);
        await StartBaileysAsync("bob");

        var first = await Node.CallAsync<string[]>("sim.send", new { id = "bob", to = ourAccount.Jid, texts = new[] { "before" } }, Slow);
        var before = (await ours.Events.NextAsync<MessagesUpsert>(seconds: 30)).Messages.Single();
        Assert.Equal(first[0], before.Key.Id);

        // Our side loses the session: Bob's next message (a plain msg on his still valid session) cannot decrypt here.
        await DeleteSessionsAsync(store, before);
        var lost = await Node.CallAsync<string[]>("sim.send", new { id = "bob", to = ourAccount.Jid, texts = new[] { "after the loss" } }, Slow);

        var failure = await ours.Events.NextAsync<EngineError>(seconds: 30);
        Assert.Contains(lost[0], failure.Context, StringComparison.Ordinal);
        var resent = (await ours.Events.NextAsync<MessagesUpsert>(seconds: 30)).Messages.Single();
        Assert.Equal((lost[0], "after the loss"), (resent.Key.Id, resent.Text));
        // The pre-key offered in the retry receipt was persisted before the receipt left.
        Assert.Contains(persister.Changes, c => c.Cause == "retry pre-key" && c.Keys is { IsEmpty: false });

        await paired.StopAsync();
    }

    [Fact]
    public async Task Our_retry_receipt_is_answered_by_our_other_engine_from_its_recent_sent_messages()
    {
        var (alice, aliceAccount, _, stopAlice) = await PairEngineAsync("15550012101");
        var (bob, bobAccount, bobStore, stopBob) = await PairEngineAsync("15550012102");

        await alice.SendTextAsync(Jid.Parse(bobAccount.Jid), "one");
        var one = (await bob.Events.NextAsync<MessagesUpsert>(seconds: 30)).Messages.Single();
        Assert.Equal("one", one.Text);
        await DeleteSessionsAsync(bobStore, one);

        var two = await alice.SendTextAsync(Jid.Parse(bobAccount.Jid), "two");
        Assert.Contains(two, (await bob.Events.NextAsync<EngineError>(seconds: 30)).Context, StringComparison.Ordinal);
        var resent = (await bob.Events.NextAsync<MessagesUpsert>(seconds: 30)).Messages.Single();
        Assert.Equal((two, "two", aliceAccount.Jid), (resent.Key.Id, resent.Text, resent.Key.RemoteJid.ToString()));

        await stopAlice();
        await stopBob();
    }

    private async Task<(AccountEngine Engine, AccountInfo Account, InMemorySignalProtocolStore Store, Func<Task> Stop)> PairEngineAsync(string phone)
    {
        var paired = await PairEngineAsync(phone, new RecordingPersister());
        return (paired.Engine, paired.Account, paired.Store, paired.StopAsync);
    }

    // The session may sit under the sender's phone number or, once its LID is known, under its LID: both go.
    private static async Task DeleteSessionsAsync(InMemorySignalProtocolStore store, ReceivedMessage from)
    {
        await store.DeleteSessionAsync(SignalAddresses.Of(from.Sender));
        if (from.SenderLid is { } lid) await store.DeleteSessionAsync(SignalAddresses.Of(lid));
        if (from.SenderPn is { } pn) await store.DeleteSessionAsync(SignalAddresses.Of(pn));
    }
}

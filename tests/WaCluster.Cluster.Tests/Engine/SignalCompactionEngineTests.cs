using Akka.Actor;
using WaCluster.Contracts.Proto;
using Xunit.Abstractions;

namespace WaCluster.Cluster.Tests.Engine;

/// <summary>
/// With frequent snapshots the account keeps its Signal state as one folded change plus the few since, not one per
/// message; rebuilt from the snapshot it still decrypts the peer's next messages and the peer decrypts ours.
/// </summary>
[Trait("Proof", "cluster-persistence")]
public sealed class SignalCompactionEngineTests(ITestOutputHelper output) : EngineAccountFixture(output, seed: 43)
{
    private const int SnapshotEvery = 10;

    [Fact]
    public async Task Signal_changes_stay_bounded_and_the_rebuilt_account_keeps_talking()
    {
        const string id = "compacted";
        var phone = Simulator.Simulator.CreateUser("15550003401");
        var (account, ours) = await PairedAccountAsync(id, "15550003402", SnapshotEvery);

        for (var i = 0; i < 30; i++)
        {
            await Simulator.Simulator.PhoneSendTextAsync(phone.Phone, ours.Jid, $"message {i}");
            Assert.Equal($"message {i}", (await NextTextAsync(id)).Text);
        }
        account.Tell(new GetAccountStatus { AccountId = id });
        var status = await ExpectMsgAsync<AccountStatus>();
        // Every message brought a Signal change; the snapshots folded them.
        Assert.True(status.SignalChanges <= SnapshotEvery, $"{status.SignalChanges} Signal changes kept");
        Assert.True(status.LastSequenceNr > 60);

        await StopAndWait(account);
        var rebuilt = Sys.ActorOf(EngineAccountProps(id, SnapshotEvery));
        await ConnectedAsync(id);
        await Simulator.Simulator.PhoneSendTextAsync(phone.Phone, ours.Jid, "after the rebuild");
        Assert.Equal("after the rebuild", (await FishTextAsync(id, "after the rebuild")).Text);
        rebuilt.Tell(new SendText { AccountId = id, MessageId = "reply-1", ToJid = phone.Jid, Text = "still here" });
        await ExpectMsgAsync<CommandAccepted>();
        await AwaitAssertAsync(() => Assert.Contains(Simulator.Simulator.PhoneMessages(phone.Phone), message => message.Text == "still here"), Slow);
    }

    // Recovery publishes the replayed messages again first (subscribers dedupe by id): skip to the one we want.
    private async Task<MessageReceived> FishTextAsync(string accountId, string text) =>
        (MessageReceived)await Events.FishForMessageAsync(message => message is MessageReceived t && t.AccountId == accountId && t.Text == text, Slow);
}

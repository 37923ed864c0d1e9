using Akka.Actor;
using Akka.Pattern;
using Google.Protobuf;
using Xunit.Abstractions;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cluster.Tests.Accounts;

/// <summary>
/// A failing journal write must leave the account unchanged and unconfirmed (no server ack, no reply), and the
/// account, restarted by its supervisor as sharding does, must then take the retried message. Every message is
/// serialized: the faults are set on the journal directly (<see cref="FaultableJournal"/>), not by messages.
/// </summary>
[Trait("Proof", "cluster-journal-faults")]
public sealed class AccountJournalFaultTests(ITestOutputHelper output) : AccountActorFixture(output)
{
    private IActorRef Supervised(string id) => Sys.ActorOf(BackoffSupervisor.Props(Backoff.OnStop(
        AccountProps(id), "account", TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), 0, maxNrOfRetries: -1)));

    [Fact]
    public async Task Inbound_message_is_not_acked_when_its_write_fails_and_is_taken_when_the_server_redelivers()
    {
        const string id = "acct-fault-inbound";
        var account = Supervised(id);
        account.Tell(new StartAccount { AccountId = id });
        await ExpectMsgAsync<CommandAccepted>();
        var before = await Status(account, id);

        await WithJournalWrite(WriteOutcome.Fail, () => FromEngine(id, Decrypted(1, "session-change-in-9", Received(id, "in-9", "lost?"))));

        // Restarted from the journal (so the failed account is gone, all it sent already queued): nothing of the failed write is there.
        await AwaitAssertAsync(async () =>
        {
            var afterFailure = await Status(account, id);
            Assert.Equal(before.LastSequenceNr, afterFailure.LastSequenceNr);
            Assert.Equal(0, afterFailure.RememberedMessageIds);
            Assert.Equal(0, afterFailure.SignalChanges);
        }, TimeSpan.FromSeconds(5));

        // The server redelivers the message it never got an ack for; the rebuilt engine decrypts it again.
        await FromEngine(id, Decrypted(1, "session-change-in-9", Received(id, "in-9", "lost?")));
        // Before the confirmation of the retried write, the engine got nothing (no ack of the failed one) and nobody was
        // told of the message.
        Assert.Empty(await ReceivedBeforeAsync(Engine, message => message is LinkStatePersisted { Token: 1 }));
        Assert.DoesNotContain(await ReceivedBeforeAsync(Events, message => message is MessageReceived { MessageId: "in-9" }),
            message => message is MessageReceived);
        var after = await Status(account, id);
        Assert.Equal(1, after.SignalChanges);
        Assert.Equal(1, after.RememberedMessageIds);
        // The Signal change and the message: two events of one write.
        Assert.Equal(before.LastSequenceNr + 2, after.LastSequenceNr);
    }

    [Fact]
    public async Task Send_command_gets_no_reply_when_its_intent_cannot_be_written_and_succeeds_when_resent()
    {
        const string id = "acct-fault-send";
        var account = Supervised(id);
        account.Tell(new StartAccount { AccountId = id });
        await ExpectMsgAsync<CommandAccepted>();

        var sender = CreateTestProbe();
        await WithJournalWrite(WriteOutcome.Fail, () =>
        {
            account.Tell(new SendText { AccountId = id, MessageId = "s-1", ToJid = "3@s.whatsapp.net", Text = "hi" }, sender.Ref);
            return Task.CompletedTask;
        });
        await AwaitAssertAsync(async () => Assert.Equal(0, (await Status(account, id)).PendingSends), TimeSpan.FromSeconds(5));
        // The account that failed the write is gone, restarted: any reply it made would be queued by now.
        Assert.False(sender.HasMessages, "the failed send was answered");

        account.Tell(new SendText { AccountId = id, MessageId = "s-1", ToJid = "3@s.whatsapp.net", Text = "hi" });
        await ExpectMsgAsync<CommandAccepted>(accepted => accepted.ReferenceId == "s-1");
        Assert.Equal(1, (await Status(account, id)).PendingSends);
    }

    [Fact]
    public async Task Rejected_state_write_is_not_confirmed_to_the_engine_and_leaves_creds_unchanged()
    {
        const string id = "acct-fault-creds";
        var account = Supervised(id);
        account.Tell(new StartAccount { AccountId = id });
        await ExpectMsgAsync<CommandAccepted>();

        await WithJournalWrite(WriteOutcome.Reject,
            () => FromEngine(id, new LinkStateChanged { Token = 3, HasCreds = true, Creds = ByteString.CopyFromUtf8("c") }));
        Assert.False((await Status(account, id)).HasCreds);

        await FromEngine(id, new LinkStateChanged { Token = 4, HasCreds = true, Creds = ByteString.CopyFromUtf8("c") });
        // The engine must not be told the rejected creds are stored: before the next write's confirmation it got nothing.
        Assert.Empty(await ReceivedBeforeAsync(Engine, message => message is LinkStatePersisted { Token: 4 }));
        Assert.True((await Status(account, id)).HasCreds);
    }
}

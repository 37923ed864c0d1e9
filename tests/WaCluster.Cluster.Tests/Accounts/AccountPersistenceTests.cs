using Akka.Actor;
using Akka.Persistence;
using Google.Protobuf;
using Xunit.Abstractions;
using WaCluster.Actors.Accounts;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cluster.Tests.Accounts;

[Trait("Proof", "cluster-persistence")]
public sealed class AccountPersistenceTests(ITestOutputHelper output) : AccountActorFixture(output)
{
    [Fact]
    public async Task Creds_signal_changes_outbox_and_dedupe_window_survive_a_stop()
    {
        const string id = "acct-recover";
        var account = await StartedAccount(id);

        await FromEngine(id, new LinkStateChanged
        {
            Token = 7, Cause = "paired", HasCreds = true, Creds = ByteString.CopyFromUtf8("creds-v1"),
            SignalChange = ByteString.CopyFromUtf8("prekeys"),
        });
        // The engine's first message since the start is this confirmation: it got nothing before.
        Assert.Equal(7, (await Engine.ExpectMsgAsync<LinkStatePersisted>()).Token);

        account.Tell(new SendText { AccountId = id, MessageId = "out-1", ToJid = "1@s.whatsapp.net", Text = "one" });
        await ExpectMsgAsync<CommandAccepted>(accepted => accepted.ReferenceId == "out-1");
        Assert.Equal("out-1", (await Engine.ExpectMsgAsync<LinkSend>()).Intent.MessageId);
        account.Tell(new SendText { AccountId = id, MessageId = "out-2", ToJid = "1@s.whatsapp.net", Text = "two" });
        await ExpectMsgAsync<CommandAccepted>();
        await Engine.ExpectMsgAsync<LinkSend>();
        await FromEngine(id, new LinkServerAck { MessageId = "out-1" });
        await Events.FishForMessageAsync(message => message is SendCompleted { MessageId: "out-1" });

        await FromEngine(id, Decrypted(8, "session-change-in-1", Received(id, "in-1", "hello")));
        Assert.Equal(8, (await Engine.ExpectMsgAsync<LinkStatePersisted>()).Token);
        await Events.FishForMessageAsync(message => message is MessageReceived { MessageId: "in-1", Text: "hello" });

        var before = await Status(account, id);
        await StopAndWait(account);

        var recovered = Sys.ActorOf(AccountProps(id));
        // Recovery reconnects on its own and the unacked send leaves again.
        Assert.Equal("out-2", (await Engine.ExpectMsgAsync<LinkSend>()).Intent.MessageId);
        var after = await Status(recovered, id);
        Assert.True(after.HasCreds);
        Assert.Equal(1, after.PendingSends);
        Assert.Equal(2, after.SignalChanges);
        Assert.Equal(before.LastSequenceNr, after.LastSequenceNr);
        Assert.Equal(before.RememberedMessageIds, after.RememberedMessageIds);

        // The inbound message is remembered: a redelivery is confirmed again but not persisted or published twice.
        // (Recovery published it once more before connecting; the next message published after that is a new one.)
        await FromEngine(id, Decrypted(9, "", Received(id, "in-1", "hello")));
        Assert.Equal(9, (await Engine.ExpectMsgAsync<LinkStatePersisted>()).Token);
        Assert.Equal(after.LastSequenceNr, (await Status(recovered, id)).LastSequenceNr);
        await Events.FishForMessageAsync(message => message is ConnectionChanged { Connection: ConnectionState.Connected });
        await FromEngine(id, Decrypted(10, "", Received(id, "in-2", "later")));
        Assert.Equal("in-2", ((MessageReceived)await Events.FishForMessageAsync(message => message is MessageReceived)).MessageId);

        // A resent command with a known id is accepted without a second intent.
        recovered.Tell(new SendText { AccountId = id, MessageId = "out-1", ToJid = "1@s.whatsapp.net", Text = "one" });
        await ExpectMsgAsync<CommandAccepted>();
        Assert.Equal(1, (await Status(recovered, id)).PendingSends);
    }

    [Fact]
    public async Task Messages_in_a_state_change_are_journaled_with_it_published_after_and_never_twice()
    {
        const string id = "acct-received";
        var account = await StartedAccount(id);
        await Events.FishForMessageAsync(message => message is ConnectionChanged { Connection: ConnectionState.Connected });
        var before = await Status(account, id);

        await FromEngine(id, Decrypted(3, "ratchet-1", Received(id, "in-a", "first"), Received(id, "in-b", "second")));
        Assert.Equal(3, (await Engine.ExpectMsgAsync<LinkStatePersisted>()).Token);
        Assert.Equal("first", ((MessageReceived)await Events.FishForMessageAsync(message => message is MessageReceived)).Text);
        Assert.Equal("second", ((MessageReceived)await Events.FishForMessageAsync(message => message is MessageReceived)).Text);
        var after = await Status(account, id);
        // The Signal change and both messages: three events.
        Assert.Equal(before.LastSequenceNr + 3, after.LastSequenceNr);
        Assert.Equal(before.SignalChanges + 1, after.SignalChanges);

        // Redelivered after a lost ack: the new ratchet state is kept, the message is not stored or published again.
        await StopAndWait(account);
        var recovered = Sys.ActorOf(AccountProps(id));
        await FromEngine(id, Decrypted(4, "ratchet-2", Received(id, "in-b", "second")));
        Assert.Equal(4, (await Engine.ExpectMsgAsync<LinkStatePersisted>()).Token);
        Assert.Equal(after.LastSequenceNr + 1, (await Status(recovered, id)).LastSequenceNr);
        // Recovery published both once more before connecting; what is published after that is only the new message.
        await Events.FishForMessageAsync(message => message is ConnectionChanged { Connection: ConnectionState.Connected });
        await FromEngine(id, Decrypted(5, "", Received(id, "in-c", "third")));
        Assert.Equal("in-c", ((MessageReceived)await Events.FishForMessageAsync(message => message is MessageReceived)).MessageId);
    }

    [Fact]
    public async Task Snapshots_are_taken_and_the_journal_below_them_is_deleted()
    {
        const string id = "acct-snapshots";
        var account = await StartedAccount(id, snapshotEvery: 5);
        // Event 1 was AccountStarted; eleven sends make the sequence reach 12.
        for (var i = 1; i <= 11; i++)
        {
            account.Tell(new SendText { AccountId = id, MessageId = $"m{i}", ToJid = "2@s.whatsapp.net", Text = "x" });
            await ExpectMsgAsync<CommandAccepted>();
        }
        var persistenceId = AccountActorSettings.PersistenceIdFor(id);

        await AwaitAssertAsync(async () =>
        {
            var events = await ReplayAll(persistenceId);
            Assert.Equal([11L, 12L], events);
        }, TimeSpan.FromSeconds(5));

        var snapshots = Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        snapshots.Tell(new LoadSnapshot(persistenceId, SnapshotSelectionCriteria.Latest, long.MaxValue));
        var latest = await ExpectMsgAsync<LoadSnapshotResult>();
        Assert.Equal(10, latest.Snapshot.Metadata.SequenceNr);
        await AwaitAssertAsync(async () =>
        {
            snapshots.Tell(new LoadSnapshot(persistenceId, new SnapshotSelectionCriteria(9), long.MaxValue));
            Assert.Null((await ExpectMsgAsync<LoadSnapshotResult>()).Snapshot);
        }, TimeSpan.FromSeconds(5));

        await StopAndWait(account);
        var recovered = Sys.ActorOf(AccountProps(id, snapshotEvery: 5));
        var status = await Status(recovered, id);
        Assert.Equal(11, status.PendingSends);
        Assert.Equal(12, status.LastSequenceNr);
    }

    private async Task<List<long>> ReplayAll(string persistenceId)
    {
        var journal = Persistence.Instance.Apply(Sys).JournalFor(null);
        var probe = CreateTestProbe();
        journal.Tell(new ReplayMessages(0, long.MaxValue, long.MaxValue, persistenceId, probe.Ref));
        var sequence = new List<long>();
        while (true)
        {
            var message = await probe.ReceiveOneAsync(TimeSpan.FromSeconds(3));
            switch (message)
            {
                case ReplayedMessage replayed:
                    sequence.Add(replayed.Persistent.SequenceNr);
                    break;
                case RecoverySuccess:
                    return sequence;
                default:
                    throw new InvalidOperationException($"Unexpected {message}");
            }
        }
    }
}

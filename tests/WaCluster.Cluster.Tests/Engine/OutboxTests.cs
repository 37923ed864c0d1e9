using Akka.Actor;
using WaCluster.Contracts.Proto;
using Xunit.Abstractions;

namespace WaCluster.Cluster.Tests.Engine;

/// <summary>
/// Sends through the account's outbox with the real engine: a message goes out with the caller's id, stays in the
/// outbox until the server acks it, and after a crash in between leaves again with the same id, so that the peer
/// sees it once. A send the server refuses for good leaves the outbox as failed; a bad id never enters it.
/// </summary>
[Trait("Proof", "cluster-engine")]
public sealed class OutboxTests(ITestOutputHelper output) : EngineAccountFixture(output, seed: 37)
{
    [Fact]
    public async Task A_send_crashed_before_its_server_ack_is_resent_with_its_id_and_received_once()
    {
        var (alice, aliceInfo) = await PairedAccountAsync("outbox-alice", "15550003201");
        var (bob, bobInfo) = await PairedAccountAsync("outbox-bob", "15550003202");

        // The server relays Alice's message but its ack never reaches her.
        Simulator.Simulator.SetFaults(aliceInfo.DeviceJid!, withholdAcks: true);
        alice.Tell(new SendText { AccountId = "outbox-alice", MessageId = "once-1", ToJid = bobInfo.Jid, Text = "only once" });
        await ExpectMsgAsync<CommandAccepted>(accepted => accepted.ReferenceId == "once-1");
        var received = await NextTextAsync("outbox-bob");
        Assert.Equal(("once-1", "only once"), (received.MessageId, received.Text));
        // Bob answers: on Alice's connection his message comes after the server's ack of hers would have, and her
        // engine handles an ack before the messages after it. Once his message is in, no ack completed her send.
        bob.Tell(new SendText { AccountId = "outbox-bob", MessageId = "reply-1", ToJid = aliceInfo.Jid, Text = "got it" });
        await ExpectMsgAsync<CommandAccepted>(accepted => accepted.ReferenceId == "reply-1");
        var beforeReply = await EventsUntilAsync(message => message is MessageReceived { AccountId: "outbox-alice", MessageId: "reply-1" });
        alice.Tell(new GetAccountStatus { AccountId = "outbox-alice" });
        Assert.Equal(1, (await ExpectMsgAsync<AccountStatus>()).PendingSends);
        Assert.DoesNotContain(beforeReply, message => message is SendCompleted { AccountId: "outbox-alice" });

        // Alice's node dies; she comes back from the journal and sends the intent again, with the same id.
        await StopAndWait(alice);
        Simulator.Simulator.SetFaults(aliceInfo.DeviceJid!, withholdAcks: false);
        var again = Sys.ActorOf(EngineAccountProps("outbox-alice"));
        var completed = (SendCompleted)await Events.FishForMessageAsync(message => message is SendCompleted { AccountId: "outbox-alice" }, Slow);
        Assert.Equal(("outbox-alice", "once-1", 0), (completed.AccountId, completed.MessageId, completed.ErrorCode));
        again.Tell(new GetAccountStatus { AccountId = "outbox-alice" });
        Assert.Equal(0, (await ExpectMsgAsync<AccountStatus>()).PendingSends);

        // Bob's device got the second copy (the server holds nothing for it) but nobody saw it twice.
        await AwaitAssertAsync(() => Assert.Equal(0, Simulator.Simulator.PendingCounts()[bobInfo.DeviceJid!]), Slow);
        // A message Alice sends now reaches Bob after the second copy: until it is in, nothing was announced.
        again.Tell(new SendText { AccountId = "outbox-alice", MessageId = "after-1", ToJid = bobInfo.Jid, Text = "and this" });
        await ExpectMsgAsync<CommandAccepted>(accepted => accepted.ReferenceId == "after-1");
        var beforeNext = await EventsUntilAsync(message => message is MessageReceived { AccountId: "outbox-bob", MessageId: "after-1" });
        Assert.DoesNotContain(beforeNext, message => message is MessageReceived);
        Assert.DoesNotContain(DrainWarnings(), warning => warning.Contains("does not decrypt", StringComparison.Ordinal));
        Assert.Equal(0, Simulator.Simulator.Counters.Conflicts);
    }

    // The events published before the first that matches <paramref name="last"/>.
    private async Task<List<object>> EventsUntilAsync(Func<object, bool> last)
    {
        var before = new List<object>();
        await Events.FishForMessageAsync(message =>
        {
            if (last(message)) return true;
            before.Add(message);
            return false;
        }, Slow);
        return before;
    }

    [Fact]
    public async Task A_send_the_server_refuses_leaves_the_outbox_with_its_error_and_a_bad_id_is_rejected()
    {
        var (alice, _) = await PairedAccountAsync("refused-alice", "15550003301");

        alice.Tell(new SendText { AccountId = "refused-alice", MessageId = "to-nobody", ToJid = "15550009876@s.whatsapp.net", Text = "anyone?" });
        await ExpectMsgAsync<CommandAccepted>();
        var completed = (SendCompleted)await Events.FishForMessageAsync(message => message is SendCompleted, Slow);
        Assert.Equal(("to-nobody", 404), (completed.MessageId, completed.ErrorCode));
        alice.Tell(new GetAccountStatus { AccountId = "refused-alice" });
        Assert.Equal(0, (await ExpectMsgAsync<AccountStatus>()).PendingSends);

        foreach (var (id, to) in new[] { ("has space", "15550009876@s.whatsapp.net"), ("", "15550009876@s.whatsapp.net"), (new string('x', 65), "1@s.whatsapp.net"), ("ok-id", "not a jid") })
        {
            alice.Tell(new SendText { AccountId = "refused-alice", MessageId = id, ToJid = to, Text = "x" });
            Assert.Equal(RejectionReason.Invalid, (await ExpectMsgAsync<CommandRejected>()).Reason);
        }
        alice.Tell(new GetAccountStatus { AccountId = "refused-alice" });
        Assert.Equal(0, (await ExpectMsgAsync<AccountStatus>()).PendingSends);
    }
}

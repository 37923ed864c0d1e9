using WaCluster.Cluster.Tests.Support;
using WaCluster.Contracts.Proto;
using Xunit.Abstractions;

namespace WaCluster.Cluster.Tests.Engine;

/// <summary>
/// The node dies after an incoming message is journaled but before the engine acks it to the server: the server
/// delivers it again to the account rebuilt from the journal, whose engine must recognise it (the dedupe window is
/// journaled) and ack it without trying to decrypt a ratchet step it already spent.
/// </summary>
[Trait("Proof", "cluster-engine")]
public sealed class CrashBeforeAckTests(ITestOutputHelper output) : EngineAccountFixture(output, seed: 31)
{
    [Fact]
    public async Task A_message_redelivered_after_a_crash_between_persist_and_ack_is_acked_not_reported_as_an_error()
    {
        const string id = "crash-before-ack";
        var phone = Simulator.Simulator.CreateUser("15550003101");
        var (account, ours) = await PairedAccountAsync(id, "15550003102");

        await Simulator.Simulator.PhoneSendTextAsync(phone.Phone, ours.Jid, "before");
        Assert.Equal("before", (await NextTextAsync(id)).Text);

        var crashed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        FaultableJournal.OnWrite(Sys, async write =>
        {
            if (write.Payload is InboundStored { Message.Text: "crash" } && !crashed.Task.IsCompleted)
            {
                // The write goes through, but the account (and its engine, which would ack) is gone first.
                await StopAndWait(account);
                crashed.SetResult();
            }
            return WriteOutcome.Pass;
        });
        var crashId = await Simulator.Simulator.PhoneSendTextAsync(phone.Phone, ours.Jid, "crash");
        await crashed.Task.WaitAsync(Slow);
        Assert.Equal(1, Simulator.Simulator.PendingCounts()[ours.DeviceJid!]);
        FaultableJournal.PassAll(Sys);
        DrainWarnings();

        // Rebuilt from the journal: the message is published (it was journaled, and may not have been published)...
        Sys.ActorOf(EngineAccountProps(id));
        var republished = await NextTextAsync(id);
        Assert.Equal("before", republished.Text);
        var stored = await NextTextAsync(id);
        Assert.Equal((crashId, "crash"), (stored.MessageId, stored.Text));
        await ConnectedAsync(id);

        // ...and the server's redelivery is acked without an error, and not published again.
        await AwaitAssertAsync(() => Assert.Equal(0, Simulator.Simulator.PendingCounts()[ours.DeviceJid!]), Slow);
        await Simulator.Simulator.PhoneSendTextAsync(phone.Phone, ours.Jid, "after");
        Assert.Equal("after", (await NextTextAsync(id)).Text);
        var warnings = DrainWarnings();
        Assert.DoesNotContain(warnings, warning => warning.Contains("failed", StringComparison.Ordinal));
        // Nothing announced after "after" either: the next message announced is the one sent after it.
        await Simulator.Simulator.PhoneSendTextAsync(phone.Phone, ours.Jid, "last");
        Assert.Equal("last", (await NextTextAsync(id)).Text);
        // The crashed account's socket was gone before the rebuilt one logged in: the server replaced no connection.
        Assert.Equal(0, Simulator.Simulator.Counters.Conflicts);
    }
}

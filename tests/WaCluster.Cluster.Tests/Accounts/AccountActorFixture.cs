using Akka.Actor;
using Akka.TestKit;
using Google.Protobuf;
using Xunit.Abstractions;
using WaCluster.Actors.Accounts;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cluster.Tests.Accounts;

/// <summary>
/// An account actor on an in-memory journal whose writes a test can fail or reject, every message serialized, with probes
/// for its engine side and its subscribers.
/// </summary>
public abstract class AccountActorFixture : Akka.TestKit.Xunit2.TestKit
{
    protected AccountActorFixture(ITestOutputHelper output)
        : base(TestHocon.SerializeEverything.WithFallback(FaultableJournal.Config), output: output)
    {
        Engine = CreateTestProbe("engine");
        Events = CreateTestProbe("events");
        Connections = new ProbeConnectionFactory(Engine.Ref);
    }

    /// <summary>What the account tells its connection (sends, persisted confirmations, forwarded commands).</summary>
    protected TestProbe Engine { get; }

    protected TestProbe Events { get; }

    private ProbeConnectionFactory Connections { get; }

    protected Props AccountProps(string accountId, int snapshotEvery = 1000) => AccountActor.Props(
        accountId,
        new AccountActorSettings { SnapshotEvery = snapshotEvery, DedupeCapacity = 64 },
        Connections,
        new ProbePublisher(Events.Ref));

    protected async Task<IActorRef> StartedAccount(string accountId, int snapshotEvery = 1000)
    {
        var account = Sys.ActorOf(AccountProps(accountId, snapshotEvery));
        account.Tell(new StartAccount { AccountId = accountId });
        await ExpectMsgAsync<CommandAccepted>();
        return account;
    }

    protected async Task<AccountStatus> Status(IActorRef account, string accountId)
    {
        account.Tell(new GetAccountStatus { AccountId = accountId });
        return await ExpectMsgAsync<AccountStatus>();
    }

    protected async Task StopAndWait(IActorRef actor)
    {
        Watch(actor);
        actor.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(actor);
    }

    /// <summary>
    /// Runs <paramref name="execution"/> with every journal write ending as <paramref name="outcome"/> and waits until
    /// the journal has decided one write so, then lets writes pass again.
    /// </summary>
    protected async Task WithJournalWrite(WriteOutcome outcome, Func<Task> execution)
    {
        var decided = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        FaultableJournal.OnWrite(Sys, _ =>
        {
            decided.TrySetResult();
            return Task.FromResult(outcome);
        });
        try
        {
            await execution();
            await decided.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            FaultableJournal.PassAll(Sys);
        }
    }

    /// <summary>The messages <paramref name="probe"/> gets before the first that matches <paramref name="last"/>.</summary>
    protected static async Task<List<object>> ReceivedBeforeAsync(TestProbe probe, Func<object, bool> last)
    {
        var before = new List<object>();
        await probe.FishForMessageAsync(message =>
        {
            if (last(message)) return true;
            before.Add(message);
            return false;
        });
        return before;
    }

    /// <summary>Sends <paramref name="message"/> to the account from its current connection, once it has opened one.</summary>
    protected async Task FromEngine(string accountId, IAccountLinkMessage message)
    {
        IActorRef? connection = null;
        await AwaitConditionAsync(() => Task.FromResult((connection = Connections.ConnectionOf(accountId)) is not null));
        connection!.Tell(new ToAccount(message));
    }

    /// <summary>What the engine reports after decrypting <paramref name="received"/>: the Signal change, journaled with them (empty: none).</summary>
    protected static LinkStateChanged Decrypted(long token, string signalChange, params MessageReceived[] received)
    {
        var change = new LinkStateChanged { Token = token, Cause = "message received", SignalChange = ByteString.CopyFromUtf8(signalChange) };
        change.Received.Add(received);
        return change;
    }

    protected static MessageReceived Received(string accountId, string id, string text) => new()
    {
        AccountId = accountId,
        MessageId = id,
        FromJid = "15550001111@s.whatsapp.net",
        ChatJid = "15550001111@s.whatsapp.net",
        Kind = MessageKind.Text,
        Text = text,
        TimestampUnixSeconds = 1_700_000_000,
    };
}

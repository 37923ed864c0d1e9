using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Akka.TestKit;
using Google.Protobuf;
using Xunit.Abstractions;
using WaCluster.Actors.Accounts;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cluster.Tests.Accounts;

/// <summary>An account actor on the in-memory test journal, with probes for its engine side and its subscribers.</summary>
public abstract class AccountActorFixture : Akka.TestKit.Xunit2.TestKit
{
    protected AccountActorFixture(ITestOutputHelper output, bool serializeMessages = true)
        : base((serializeMessages ? TestHocon.SerializeEverything : TestHocon.SerializeRemoteOnly).WithFallback(TestJournalConfig), output: output)
    {
        Engine = CreateTestProbe("engine");
        Events = CreateTestProbe("events");
    }

    private static readonly Config TestJournalConfig = ConfigurationFactory.ParseString("""
        akka.persistence {
          journal {
            plugin = "akka.persistence.journal.test"
            test {
              class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
              plugin-dispatcher = "akka.actor.default-dispatcher"
            }
          }
          snapshot-store {
            plugin = "akka.persistence.snapshot-store.test"
            test {
              class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit"
              plugin-dispatcher = "akka.actor.default-dispatcher"
            }
          }
        }
        """);

    protected TestProbe Engine { get; }

    protected TestProbe Events { get; }

    protected Props AccountProps(string accountId, int snapshotEvery = 1000) => AccountActor.Props(
        accountId,
        new AccountActorSettings { SnapshotEvery = snapshotEvery, DedupeCapacity = 64 },
        new ProbeConnectionFactory(Engine.Ref),
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

    /// <summary>Runs <paramref name="execution"/> with the journal's writes set by <paramref name="behavior"/>, then lets writes pass again.</summary>
    protected async Task WithJournalWrite(Func<JournalWriteBehavior, Task> behavior, Func<Task> execution)
    {
        var journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
        await behavior(journal.OnWrite);
        try
        {
            await execution();
        }
        finally
        {
            await journal.OnWrite.Pass();
        }
    }

    protected static LinkInbound Inbound(string id, string text) => new()
    {
        MessageId = id,
        FromJid = "15550001111@s.whatsapp.net",
        ChatJid = "15550001111@s.whatsapp.net",
        Text = text,
        TimestampUnixSeconds = 1_700_000_000,
        SignalChange = ByteString.CopyFromUtf8("session-change-" + id),
    };
}

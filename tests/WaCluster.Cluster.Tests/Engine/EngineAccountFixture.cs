using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.TestKit;
using WaCluster.Actors.Accounts;
using WaCluster.Actors.Connection;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Contracts.Proto;
using WaCluster.Node.Hosting;
using WaCluster.Simulator;
using Xunit.Abstractions;

namespace WaCluster.Cluster.Tests.Engine;

/// <summary>
/// Account actors running the real engine against an in-process simulator, on an in-memory journal whose writes a test
/// can intercept, with every message serialized. Published events go to <see cref="Events"/>; warnings logged
/// by the accounts' connections are kept in <see cref="Warnings"/>.
/// </summary>
public abstract class EngineAccountFixture : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    protected static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    private static readonly Config Limiter =
        ConfigurationFactory.ParseString("wacluster.connect-limiter { rate-per-second = 100, burst = 20, jitter = 10ms }");

    private readonly int _seed;

    protected EngineAccountFixture(ITestOutputHelper output, int seed)
        : base(TestHocon.SerializeEverything.WithFallback(FaultableJournal.Config).WithFallback(Limiter), output: output)
    {
        _seed = seed;
        Events = CreateTestProbe("events");
        Warnings = CreateTestProbe("warnings");
        Sys.EventStream.Subscribe(Warnings.Ref, typeof(Warning));
    }

    protected SimulatorHost Simulator { get; private set; } = null!;

    protected TestProbe Events { get; }

    protected TestProbe Warnings { get; }

    public async Task InitializeAsync() => Simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = _seed });

    public async Task DisposeAsync()
    {
        await Sys.Terminate();
        await Simulator.DisposeAsync();
    }

    protected Props EngineAccountProps(string accountId, int snapshotEvery = 1000) => AccountActor.Props(
        accountId,
        new AccountActorSettings { SnapshotEvery = snapshotEvery, ConnectionMinBackoff = TimeSpan.FromMilliseconds(200) },
        new EngineConnectionFactory(EngineEndpointOptions.Simulator(Simulator.ChatUri, Simulator.Simulator.RootPublicKey).ToEngineOptions()),
        new ProbePublisher(Events.Ref));

    /// <summary>Starts the account, scans its first QR with a new phone number and waits until it is connected.</summary>
    protected async Task<(IActorRef Account, AccountInfo Info)> PairedAccountAsync(string accountId, string phoneNumber, int snapshotEvery = 1000)
    {
        var account = Sys.ActorOf(EngineAccountProps(accountId, snapshotEvery));
        account.Tell(new StartAccount { AccountId = accountId });
        await ExpectMsgAsync<CommandAccepted>();
        var qr = (QrCodeIssued)await Events.FishForMessageAsync(message => message is QrCodeIssued q && q.AccountId == accountId, Slow);
        var info = await Simulator.Simulator.ScanAsync(qr.Qr, phoneNumber).WaitAsync(Slow);
        await ConnectedAsync(accountId);
        return (account, info);
    }

    protected async Task ConnectedAsync(string accountId) =>
        await Events.FishForMessageAsync(message => message is ConnectionChanged { Connection: ConnectionState.Connected } c && c.AccountId == accountId, Slow);

    protected async Task<MessageReceived> NextTextAsync(string accountId) =>
        (MessageReceived)await Events.FishForMessageAsync(message => message is MessageReceived t && t.AccountId == accountId, Slow);

    protected async Task StopAndWait(IActorRef actor)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(actor);
        Sys.Stop(actor);
        await watcher.ExpectTerminatedAsync(actor, Slow);
    }

    /// <summary>The warnings logged so far, as text.</summary>
    protected IReadOnlyList<string> DrainWarnings()
    {
        var warnings = new List<string>();
        while (Warnings.HasMessages)
        {
            warnings.Add(((Warning)Warnings.ReceiveOne(TimeSpan.Zero)!).Message?.ToString() ?? "");
        }
        return warnings;
    }
}

using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Engine.Connection;
using WaCluster.Engine.State;
using WaCluster.Signal.Stores;
using WaCluster.Simulator;
using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.Support;

/// <summary>
/// A seeded simulator plus a node harness for unmodified Baileys clients, started per test class and torn down after
/// it, with helpers that pair our engines by QR and start Baileys clients against that simulator; new groups take
/// <paramref name="groupAddressing"/>, <paramref name="historyMessages"/> seeds every phone's history (see
/// <see cref="SimulatorOptions.HistoryMessages"/>), and with <paramref name="lidAddressedUsers"/> every new account is
/// seen by its peers by LID.
/// </summary>
public abstract class SimulatorConversationTest(int seed, int slowSeconds = 40, GroupAddressing groupAddressing = GroupAddressing.Pn,
    int historyMessages = 0, bool lidAddressedUsers = false) : IAsyncLifetime
{
    protected TimeSpan Slow { get; } = TimeSpan.FromSeconds(slowSeconds);
    protected GroupAddressing GroupAddressing { get; } = groupAddressing;
    protected SimulatorHost Host { get; private set; } = null!;
    protected NodeHarness Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Seed = seed, DefaultGroupAddressing = GroupAddressing, HistoryMessages = historyMessages, LidAddressedUsers = lidAddressedUsers,
        });
        Node = await NodeHarness.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Node.CallAsync("sim.stopAll", timeout: Slow);
        await Node.DisposeAsync();
        await Host.DisposeAsync();
    }

    protected EngineOptions OptionsForSimulator() => Host.EngineOptions() with { InitialPreKeyCount = 30 };

    /// <summary>A new engine with an in-memory Signal store, running and paired by QR to <paramref name="phone"/>;
    /// <paramref name="wrapTransport"/> may wrap the engine's WebSocket transport (to record what it sends).</summary>
    protected async Task<PairedEngine> PairEngineAsync(string phone, IEngineStatePersister persister, EngineOptions? options = null,
        Func<INodeTransportFactory, INodeTransportFactory>? wrapTransport = null)
    {
        var creds = AuthCreds.CreateNew();
        var store = new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId);
        options ??= OptionsForSimulator();
        var engine = new AccountEngine(creds, store, persister, options, wrapTransport?.Invoke(new WebSocketTransportFactory(options, creds.NoiseKey)));
        var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var qr = (await engine.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null, seconds: 30)).Qr!;
        var account = await Host.Simulator.ScanAsync(qr, phone).WaitAsync(Slow);
        await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);
        return new PairedEngine(engine, account, store, stop, run, Slow);
    }

    /// <summary>Starts the Baileys client <paramref name="id"/> (named the same), links it by QR and waits for it to open.</summary>
    /// <remarks><paramref name="phone"/> links it to that account (a new one when null); <paramref name="history"/>
    /// (<c>new { full }</c>) makes a client that processes its phone's history sync.</remarks>
    protected async Task<AccountInfo> StartBaileysAsync(string id, string? phone = null, object? history = null)
    {
        var start = await Node.CallAsync<StartResult>("sim.start", new
        {
            id, url = Host.ChatUri.ToString(), rootKey = Convert.ToBase64String(Host.Simulator.RootPublicKey), name = id, history,
        }, Slow);
        var account = await Host.Simulator.ScanAsync(start.Qr, phone).WaitAsync(Slow);
        await Node.CallAsync("sim.waitOpen", new { id, opens = 1 }, Slow);
        return account;
    }

    private sealed record StartResult(string Qr);
}

/// <summary>A running engine paired to <see cref="Account"/>; <see cref="StopAsync"/> cancels it and waits for its run to end.</summary>
public sealed class PairedEngine(AccountEngine engine, AccountInfo account, InMemorySignalProtocolStore store, CancellationTokenSource stop, Task run,
    TimeSpan stopTimeout)
{
    public AccountEngine Engine => engine;
    public AccountInfo Account => account;
    public InMemorySignalProtocolStore Store => store;

    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await run.WaitAsync(stopTimeout);
        stop.Dispose();
    }
}

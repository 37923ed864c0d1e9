using System.Threading.Channels;
using WaCluster.Engine;
using WaCluster.Engine.Creds;
using WaCluster.Engine.Events;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Signal.Stores;
using WaCluster.Simulator;

namespace WaCluster.Demo;

/// <summary>One of our accounts in the demo: an engine linked to a simulated phone by scanning its QR.</summary>
internal sealed class DemoAccount : IAsyncDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    private DemoAccount(string name, AccountEngine engine, JournalCounter journal)
    {
        Name = name;
        Engine = engine;
        Journal = journal;
        _run = engine.RunAsync(_stop.Token);
    }

    public string Name { get; }

    public AccountEngine Engine { get; }

    public JournalCounter Journal { get; }

    public Jid Jid { get; private set; }

    public static async Task<DemoAccount> PairAsync(string name, string phone, SimulatorHost simulator)
    {
        var options = new EngineOptions
        {
            ServerUri = simulator.ChatUri,
            CertificateVerifier = new CertificateChainVerifier(simulator.Simulator.RootPublicKey),
            InitialPreKeyCount = 30,
        };
        var creds = AuthCreds.CreateNew();
        var journal = new JournalCounter();
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), journal, options);
        var account = new DemoAccount(name, engine, journal);
        var qr = (await account.NextAsync<ConnectionUpdate>(u => u.Qr is not null)).Qr!;
        Console.WriteLine($"[{name}] QR {qr[..Math.Min(qr.Length, 60)]}...");
        var linked = await simulator.Simulator.ScanAsync(qr, phone).WaitAsync(StepTimeout);
        Console.WriteLine($"[{name}] phone +{linked.Phone} scanned the QR; linked as {linked.DeviceJid ?? linked.Jid}");
        await account.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open);
        account.Jid = Jid.Parse(linked.Jid);
        Console.WriteLine($"[{name}] logged in");
        return account;
    }

    /// <summary>The next event of type <typeparamref name="T"/> that matches; engine errors end the demo loudly.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool> match) where T : EngineEvent
    {
        using var timeout = new CancellationTokenSource(StepTimeout);
        await foreach (var next in Engine.Events.ReadAllAsync(timeout.Token))
        {
            if (next is EngineError error) throw new InvalidOperationException($"[{Name}] engine error in {error.Context}", error.Error);
            if (next is T wanted && match(wanted)) return wanted;
        }
        throw new ChannelClosedException($"[{Name}] engine stopped");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
            // The engine ends its run by cancellation.
        }
        _stop.Dispose();
    }
}

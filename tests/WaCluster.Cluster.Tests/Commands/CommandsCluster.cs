using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Client;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Contracts.Proto;
using WaCluster.Node.Hosting;
using WaCluster.Simulator;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Commands;

/// <summary>
/// One cluster node on a SQLite file with the real engine, an in-process simulator, and a Node harness for unmodified
/// Baileys peers. Records every event the accounts publish. The node can be restarted on the same journal.
/// </summary>
public sealed class CommandsCluster : IAsyncLifetime
{
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wacluster-commands-" + Guid.NewGuid().ToString("N"));
    private readonly int _port = FreePort();
    private IHost? _host;

    public SimulatorHost Simulator { get; private set; } = null!;

    public NodeHarness Node { get; private set; } = null!;

    public AccountEventLog Events { get; private set; } = null!;

    public IWhatsAppCluster Accounts => _host!.Services.GetRequiredService<IWhatsAppCluster>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        Simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 61 });
        Node = await NodeHarness.StartAsync();
        await StartNodeAsync();
    }

    public async Task DisposeAsync()
    {
        await StopNodeAsync();
        await Node.CallAsync("sim.stopAll", timeout: Slow);
        await Node.DisposeAsync();
        await Simulator.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; the OS cleans the temp folder.
        }
    }

    /// <summary>Stops the node's ActorSystem and starts a new one on the same journal, with a fresh event recorder.</summary>
    public async Task RestartNodeAsync()
    {
        await StopNodeAsync();
        await StartNodeAsync();
    }

    /// <summary>Starts <paramref name="accountId"/>, links it by the QR it publishes to a new simulator user and waits until it is connected.</summary>
    public async Task<AccountInfo> PairAsync(string accountId, string phone)
    {
        await Accounts.StartAccountAsync(accountId);
        var qr = await Events.NextAsync<QrCodeIssued>(accountId);
        var account = await Simulator.Simulator.ScanAsync(qr.Qr, phone).WaitAsync(Slow);
        await Events.NextAsync<ConnectionChanged>(accountId, c => c.Connection == ConnectionState.Connected);
        return account;
    }

    /// <summary>Starts the Baileys client <paramref name="id"/>, links it by QR and waits for it to open.</summary>
    public async Task<AccountInfo> StartBaileysAsync(string id)
    {
        var start = await Node.CallAsync<StartResult>("sim.start", new
        {
            id, url = Simulator.ChatUri.ToString(), rootKey = Convert.ToBase64String(Simulator.Simulator.RootPublicKey), name = id,
        }, Slow);
        var account = await Simulator.Simulator.ScanAsync(start.Qr).WaitAsync(Slow);
        await Node.CallAsync("sim.waitOpen", new { id, opens = 1 }, Slow);
        return account;
    }

    private async Task StartNodeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddWaClusterNode(new WaClusterNodeOptions
        {
            Hostname = "127.0.0.1",
            Port = _port,
            SqliteFile = Path.Combine(_directory, "journal.db"),
            NumberOfShards = 10,
            Engine = EngineEndpointOptions.Simulator(Simulator.ChatUri, Simulator.Simulator.RootPublicKey, Simulator.Certificate),
            ExtraHocon = "akka.loglevel = WARNING\nwacluster.connect-limiter { rate-per-second = 50, burst = 10, jitter = 10ms }",
        });
        _host = builder.Build();
        await _host.StartAsync();
        Events = await AccountEventLog.SubscribeAsync(_host.Services.GetRequiredService<ActorSystem>(), Accounts);
    }

    private async Task StopNodeAsync()
    {
        Events?.Dispose();
        if (_host is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _host.StopAsync(timeout.Token);
            _host.Dispose();
            _host = null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record StartResult(string Qr);
}

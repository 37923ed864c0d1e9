using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Client;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Node.Hosting;

namespace WaCluster.Cluster.Tests.Failover;

/// <summary>Several node hosts in this process, built exactly as production builds them, on one SQLite file.</summary>
internal sealed class ClusterNodes : IAsyncDisposable
{
    // Fast failure detection and downing so that a test sees a failover in seconds, not minutes.
    private const string FastFailover = """
        akka.loglevel = WARNING
        akka.cluster.split-brain-resolver.stable-after = 2s
        akka.cluster.failure-detector.heartbeat-interval = 500ms
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 2s
        akka.remote.watch-failure-detector.acceptable-heartbeat-pause = 3s
        akka.cluster.sharding.entity-restart-backoff = 500ms
        akka.cluster.sharding.retry-interval = 500ms
        wacluster.connect-limiter { rate-per-second = 200, burst = 50, jitter = 50ms }
        """;

    // A node that is killed must not leave gracefully when its ActorSystem stops.
    private const string NoLeaveOnTerminate = "akka.coordinated-shutdown.run-by-actor-system-terminate = off";

    private readonly List<IHost> _hosts = [];
    private readonly EngineEndpointOptions? _engine;

    /// <param name="accountNodes">Nodes with the accounts role.</param>
    /// <param name="serviceNodes">Further nodes without it (sibling services reaching accounts through a proxy).</param>
    /// <param name="engine">The server real engines connect to; null = connection children that only record their starts.</param>
    public ClusterNodes(int accountNodes, int serviceNodes = 0, EngineEndpointOptions? engine = null)
    {
        AccountNodes = accountNodes;
        _engine = engine;
        var count = accountNodes + serviceNodes;
        Directory = Path.Combine(Path.GetTempPath(), "wacluster-test-" + Guid.NewGuid().ToString("N"));
        global::System.IO.Directory.CreateDirectory(Directory);
        SqliteFile = Path.Combine(Directory, "journal.db");
        Ports = Enumerable.Range(0, count).Select(_ => FreePort()).ToArray();
    }

    public int AccountNodes { get; }

    public string Directory { get; }

    public string SqliteFile { get; }

    public int[] Ports { get; }

    /// <summary>Node address of every connection child started, per account, in order.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<string>> ConnectionStarts { get; } = new();

    public IReadOnlyList<IHost> Hosts => _hosts;

    public static string Address(int port) => $"akka.tcp://wacluster@127.0.0.1:{port}";

    public async Task StartAllAsync()
    {
        foreach (var (port, index) in Ports.Select((port, index) => (port, index)))
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddWaClusterNode(
                new WaClusterNodeOptions
                {
                    Hostname = "127.0.0.1",
                    Port = port,
                    Roles = index < AccountNodes ? [AccountShards.Role] : ["api"],
                    SeedNodes = [Address(Ports[0])],
                    SqliteFile = SqliteFile,
                    SerializeMessages = true,
                    NumberOfShards = 30,
                    ExtraHocon = FastFailover + "\n" + NoLeaveOnTerminate,
                    Engine = _engine,
                },
                _engine is null ? new RecordingConnectionFactory(Address(port), ConnectionStarts) : null);
            var host = builder.Build();
            await host.StartAsync();
            _hosts.Add(host);
        }
    }

    public ActorSystem ActorSystemOf(int index) => _hosts[index].Services.GetRequiredService<ActorSystem>();

    public IWhatsAppCluster Facade(int index) => _hosts[index].Services.GetRequiredService<IWhatsAppCluster>();

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await host.StopAsync(timeout.Token);
                host.Dispose();
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                // A host whose ActorSystem the test killed has nothing left to stop.
            }
        }
        try
        {
            global::System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

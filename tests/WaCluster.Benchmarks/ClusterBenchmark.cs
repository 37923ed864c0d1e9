using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Client;
using WaCluster.Contracts;
using WaCluster.Node.Hosting;
using WaCluster.TestSupport;

namespace WaCluster.Benchmarks;

/// <summary>
/// One node on a SQLite file running the real engine for every account, against the simulator in a child process
/// (its memory is not the node's). Accounts pair through the cluster (the QR each account publishes is scanned by a
/// simulated phone) and stay connected; then: memory per connected idle account, end-to-end messages between accounts
/// (send command -> simulator -> receiving account -> persisted -> published to this subscriber) with latency
/// percentiles, and the time until accounts are connected again after a node restart on the same journal with the
/// connect limiter on. Options: --accounts N (default 10,000), --messages M (2,000), --restart-rate R (50/s, node.conf),
/// --idle-seconds S (5: how long the paired accounts idle before memory is measured).
/// </summary>
public sealed class ClusterBenchmark : IBenchmark
{
    private const int PairingsInFlight = 24;
    private const int SendsInFlight = 32;
    private const int MaxPairs = 100;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PhaseLimit = TimeSpan.FromMinutes(30);

    public string Name => "cluster";

    public async Task RunAsync(BenchmarkReport report)
    {
        var args = Environment.GetCommandLineArgs();
        if (args.Contains("--simulator"))
        {
            await ClusterSimulatorProcess.ServeAsync();
            return;
        }
        var accounts = IntOption(args, "--accounts", 10_000);
        var messages = IntOption(args, "--messages", 2000);
        var restartRate = IntOption(args, "--restart-rate", 50);
        var idle = TimeSpan.FromSeconds(IntOption(args, "--idle-seconds", 5));
        var folder = Path.Combine(Path.GetTempPath(), "wacluster-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "journal.db");
        var port = FreePort();
        var ids = Enumerable.Range(0, accounts).Select(i => $"bench-{i:D5}").ToArray();
        var jids = new string[accounts];

        await using var simulator = await ClusterSimulatorProcess.StartAsync();
        var events = new ClusterBenchmarkEvents(async (accountId, qr) =>
        {
            var index = Array.IndexOf(ids, accountId);
            jids[index] = await simulator.ScanAsync(qr, (15_550_000_000L + index).ToString(CultureInfo.InvariantCulture));
        });
        // Pairing is paced by the window below, not by the limiter.
        var host = await StartNode(file, port, simulator, "rate-per-second = 100000, burst = 100000, jitter = 0ms");
        var cluster = host.Services.GetRequiredService<IWhatsAppCluster>();
        var subscription = await Subscribe(host, cluster, events.Handle);
        // A running node without accounts: what the accounts add is measured from here.
        var baseline = MemorySample.Take();

        var watch = Stopwatch.StartNew();
        await ForAll(ids, PairingsInFlight, async id =>
        {
            await cluster.StartAccountAsync(id);
            await events.Connected(id).WaitAsync(PhaseLimit);
        });
        report.Line("cluster.engine.accounts_paired", accounts, "accounts");
        report.Line("cluster.engine.pairing_rate", accounts / watch.Elapsed.TotalSeconds, "accounts/s");
        await Task.Delay(idle);
        var counters = await simulator.CountersAsync();
        var loaded = MemorySample.Take();
        report.Line("cluster.engine.accounts_connected_idle", counters.ConnectionsOpen, "accounts");
        ReportMemory(report, "cluster.engine.memory", baseline, loaded, counters.ConnectionsOpen);

        var pairs = Math.Min(MaxPairs, accounts / 2);
        await ForAll(Enumerable.Range(0, pairs).ToArray(), SendsInFlight, async pair =>
        {
            // The first message of a pair fetches the receiver's pre-keys and starts the session: not measured.
            var text = $"warm-{pair}";
            await cluster.SendTextAsync(ids[2 * pair], text, jids[2 * pair + 1], text);
            await events.TextArrived(text).WaitAsync(PhaseLimit);
        });
        var latencies = new double[messages];
        watch.Restart();
        await ForAll(Enumerable.Range(0, messages).ToArray(), SendsInFlight, async i =>
        {
            var pair = i % pairs;
            var text = $"e2e-{i}";
            var started = Stopwatch.GetTimestamp();
            await cluster.SendTextAsync(ids[2 * pair], text, jids[2 * pair + 1], text);
            var arrived = await events.TextArrived(text).WaitAsync(PhaseLimit);
            latencies[i] = Stopwatch.GetElapsedTime(started, arrived).TotalMilliseconds;
        });
        report.Line($"cluster.engine.e2e_messages_per_second_{pairs}_pairs", messages / watch.Elapsed.TotalSeconds, "msg/s");
        Array.Sort(latencies);
        report.Line("cluster.engine.e2e_latency_p50", latencies[messages / 2], "ms");
        report.Line("cluster.engine.e2e_latency_p99", latencies[messages * 99 / 100], "ms");

        subscription.Dispose();
        await host.StopAsync();
        host.Dispose();

        var loginsBefore = (await simulator.CountersAsync()).Logins;
        var measured = Math.Min(1000, accounts);
        watch.Restart();
        host = await StartNode(file, port, simulator, $"rate-per-second = {restartRate}, burst = 20, jitter = 250ms");
        var firstMeasured = TimeSpan.Zero;
        var logins = 0L;
        await Eventually.UntilAsync(async () =>
        {
            logins = (await simulator.CountersAsync()).Logins - loginsBefore;
            if (firstMeasured == TimeSpan.Zero && logins >= measured) firstMeasured = watch.Elapsed;
            return logins >= accounts;
        }, PhaseLimit, () => $"all {accounts} accounts logged in again (only {logins})");
        report.Line($"cluster.engine.restart_{measured}_accounts_connected_limiter_{restartRate}_per_s", firstMeasured.TotalSeconds, "s");
        report.Line($"cluster.engine.restart_all_{accounts}_accounts_connected", watch.Elapsed.TotalSeconds, "s");
        await Task.Delay(Settle);
        counters = await simulator.CountersAsync();
        ReportMemory(report, "cluster.engine.memory_after_restart", baseline, MemorySample.Take(), counters.ConnectionsOpen);
        report.Line("cluster.engine.simulator_device_conflicts", counters.Conflicts, "conflicts");
        report.Line("cluster.engine.scan_failures", events.ScanFailures, "scans");
        await host.StopAsync();
        host.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; the OS cleans the temp folder.
        }
    }

    private static void ReportMemory(BenchmarkReport report, string prefix, MemorySample baseline, MemorySample loaded, long connected)
    {
        var perAccount = Math.Max(1, connected);
        report.Line($"{prefix}.node_working_set", loaded.WorkingSet / 1048576.0, "MB");
        report.Line($"{prefix}.per_account_working_set", (loaded.WorkingSet - baseline.WorkingSet) / (double)perAccount / 1024, "KB");
        report.Line($"{prefix}.per_account_gc_heap", (loaded.GcHeap - baseline.GcHeap) / (double)perAccount / 1024, "KB");
    }

    private static async Task<IHost> StartNode(string file, int port, ClusterSimulatorProcess simulator, string limiter)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddWaClusterNode(new WaClusterNodeOptions
        {
            Hostname = "127.0.0.1",
            Port = port,
            SeedNodes = [$"akka.tcp://wacluster@127.0.0.1:{port}"],
            SqliteFile = file,
            Engine = EngineEndpointOptions.Simulator(simulator.ChatUri, simulator.RootPublicKey),
            ExtraHocon = $"akka.loglevel = WARNING\nwacluster.connect-limiter {{ {limiter} }}",
        });
        var host = builder.Build();
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var joined = new TaskCompletionSource();
        Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => joined.TrySetResult());
        await joined.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return host;
    }

    // Pub-sub is at most once: the subscriber must be known to the mediator before the accounts publish.
    private static async Task<IDisposable> Subscribe(IHost host, IWhatsAppCluster cluster, Action<IAccountEvent> handler)
    {
        var subscription = cluster.Subscribe(null, handler);
        var mediator = DistributedPubSub.Get(host.Services.GetRequiredService<ActorSystem>()).Mediator;
        await Eventually.UntilAsync(async () => (await mediator.Ask<CurrentTopics>(GetTopics.Instance, TimeSpan.FromSeconds(3))).Topics.Contains(Topics.AllAccounts),
            TimeSpan.FromSeconds(30), "the subscriber known to the mediator");
        return subscription;
    }

    private static async Task ForAll<T>(IReadOnlyList<T> items, int inFlight, Func<T, Task> action)
    {
        using var gate = new SemaphoreSlim(inFlight);
        await Task.WhenAll(items.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                await action(item);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Process working set (managed and native) and GC heap after full, compacting collections.</summary>
    private sealed record MemorySample(long WorkingSet, long GcHeap)
    {
        public static MemorySample Take()
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            using var self = Process.GetCurrentProcess();
            return new MemorySample(self.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
        }
    }
}

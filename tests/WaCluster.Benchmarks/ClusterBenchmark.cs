using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Actors.Connection;
using WaCluster.Node.Facade;
using WaCluster.Node.Hosting;

namespace WaCluster.Benchmarks;

/// <summary>
/// One node on a SQLite file, accounts without an engine (the engine slice comes later): how many accounts start per
/// second and what each costs in memory, persisted sends per second through the facade with latency percentiles,
/// and how long a restarted node takes to bring every remembered account back. Baileys has no cluster to compare.
/// </summary>
public sealed class ClusterBenchmark : IBenchmark
{
    private const int Accounts = 2000;
    private const int Sends = 5000;
    private const int Concurrency = 64;

    public string Name => "cluster";

    public async Task RunAsync(BenchmarkReport report)
    {
        var folder = Path.Combine(Path.GetTempPath(), "wacluster-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "journal.db");
        var port = FreePort();
        var ids = Enumerable.Range(0, Accounts).Select(i => $"bench-{i:D5}").ToArray();

        var counter = new CountingConnections();
        var host = await StartNode(file, port, counter);
        var cluster = host.Services.GetRequiredService<IWhatsAppCluster>();

        GC.Collect();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        await ForAll(ids, id => cluster.StartAccountAsync(id));
        report.Line("cluster.accounts_started_per_second", Accounts / watch.Elapsed.TotalSeconds, "accounts/s");
        GC.Collect();
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        report.Line("cluster.memory_per_idle_account_without_engine", (memoryAfter - memoryBefore) / (double)Accounts / 1024, "KB");

        var latencies = new double[Sends];
        watch.Restart();
        await ForAll(Enumerable.Range(0, Sends).ToArray(), async i =>
        {
            var started = Stopwatch.GetTimestamp();
            await cluster.SendTextAsync(ids[i % Accounts], $"m-{i}", "15550001111@s.whatsapp.net", "benchmark");
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        });
        report.Line("cluster.persisted_sends_per_second_sqlite", Sends / watch.Elapsed.TotalSeconds, "sends/s");
        Array.Sort(latencies);
        report.Line("cluster.send_persisted_latency_p50", latencies[Sends / 2], "ms");
        report.Line("cluster.send_persisted_latency_p99", latencies[Sends * 99 / 100], "ms");

        await host.StopAsync();
        host.Dispose();

        var restarted = new CountingConnections();
        watch.Restart();
        host = await StartNode(file, port, restarted);
        while (restarted.Count < Accounts)
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"only {restarted.Count} of {Accounts} accounts came back");
            }
            await Task.Delay(50);
        }
        report.Line($"cluster.node_restart_all_{Accounts}_accounts_back", watch.Elapsed.TotalSeconds, "s");
        await host.StopAsync();
        host.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<IHost> StartNode(string file, int port, IAccountConnectionFactory connections)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddWaClusterNode(
            new WaClusterNodeOptions
            {
                Hostname = "127.0.0.1",
                Port = port,
                SeedNodes = [$"akka.tcp://wacluster@127.0.0.1:{port}"],
                SqliteFile = file,
                // The limiter is what paces reconnects in production; here it must not hide the journal's speed.
                ExtraHocon = "akka.loglevel = WARNING\nwacluster.connect-limiter { rate-per-second = 100000, burst = 100000, jitter = 0ms }",
            },
            connections);
        var host = builder.Build();
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var joined = new TaskCompletionSource();
        Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => joined.TrySetResult());
        await joined.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return host;
    }

    private static async Task ForAll<T>(IReadOnlyList<T> items, Func<T, Task> action)
    {
        using var gate = new SemaphoreSlim(Concurrency);
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Counts accounts that reached the point of connecting; runs no engine.</summary>
    private sealed class CountingConnections : IAccountConnectionFactory
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Props? CreateConnectionProps(AccountConnectionContext context)
        {
            Interlocked.Increment(ref _count);
            return null;
        }
    }
}

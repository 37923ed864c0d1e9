using System.Diagnostics;
using System.Globalization;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Simulator;
using WaCluster.TestSupport;

namespace WaCluster.Benchmarks;

/// <summary>
/// How many logged-in, idle client connections one simulator process holds, and its memory per connection. The
/// simulator runs in this process; companions are linked first (QR scan through its in-process control API), then a
/// child process (this executable with the hidden <c>--client</c> mode) logs every one in over its own WebSocket and
/// keeps it open. `--connections N` sets the count (default 10,000). There is no Baileys counterpart: Baileys is a
/// client, it has no server to compare with.
/// </summary>
public sealed class SimulatorBenchmark : IBenchmark
{
    private const int DefaultConnections = 10_000;

    // Linking is CPU-bound (Noise, signatures on both sides): a little more than the cores keeps them busy.
    private const int LinksInFlight = 16;

    // Long enough for the last logins' active iq and offline marker to be handled before measuring.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(20);

    public string Name => "simulator";

    public async Task RunAsync(BenchmarkReport report)
    {
        var args = Environment.GetCommandLineArgs();
        if (OptionValue(args, "--client") is { } chat)
        {
            await SimulatorLoadClient.RunAsync(new Uri(chat), Convert.FromBase64String(OptionValue(args, "--root-key")!));
            return;
        }
        var target = OptionValue(args, "--connections") is { } count ? int.Parse(count, CultureInfo.InvariantCulture) : DefaultConnections;
        using var limit = new CancellationTokenSource(RunLimit);

        // Clients keep a connection alive by pinging every 30 s; these stay silent on purpose (idle is what is
        // measured), so the server's idle cut-off is lifted for the run.
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions { IdleTimeout = TimeSpan.FromHours(1) });
        var verifier = new CertificateChainVerifier(host.Simulator.RootPublicKey);

        var companions = new List<SimulatorCompanion>(target);
        var linkFailures = 0;
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, target), new ParallelOptions { MaxDegreeOfParallelism = LinksInFlight, CancellationToken = limit.Token }, async (_, token) =>
        {
            try
            {
                var companion = await SimulatorCompanionLinker.LinkAsync(host, verifier, token);
                lock (companions) companions.Add(companion);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException && !limit.IsCancellationRequested)
            {
                if (Interlocked.Increment(ref linkFailures) <= 3) await Console.Error.WriteLineAsync($"linking failed: {ex.GetType().Name}: {ex.Message}");
            }
        });
        report.Line("simulator.link.rate", companions.Count / watch.Elapsed.TotalSeconds, "links/s");
        await Eventually.UntilAsync(() => host.Simulator.Counters.ConnectionsOpen == 0, TimeSpan.FromSeconds(30), "the linking connections closed");
        var baseline = Measure(host.Simulator);

        using var client = StartClient(host);
        // A run past its limit takes the load client down with it.
        await using var killOnLimit = limit.Token.Register(() => client.Kill(entireProcessTree: true));
        foreach (var companion in companions) await client.StandardInput.WriteLineAsync(companion.ToLine());
        await client.StandardInput.WriteLineAsync();
        await client.StandardInput.FlushAsync();
        var connected = (await client.StandardOutput.ReadLineAsync(limit.Token) ?? throw new InvalidOperationException("load client ended early")).Split(' ');
        var held = int.Parse(connected[1], CultureInfo.InvariantCulture);
        var loginFailures = int.Parse(connected[2], CultureInfo.InvariantCulture);
        var seconds = double.Parse(connected[3], CultureInfo.InvariantCulture);
        await Task.Delay(Settle, limit.Token);
        var loaded = Measure(host.Simulator);

        await client.StandardInput.WriteLineAsync("stop");
        await client.StandardInput.FlushAsync();
        var dropped = (await client.StandardOutput.ReadLineAsync(limit.Token))?.Split(' ') is ["dropped", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : -1;
        using (var exit = CancellationTokenSource.CreateLinkedTokenSource(limit.Token))
        {
            exit.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                await client.WaitForExitAsync(exit.Token);
            }
            catch (OperationCanceledException)
            {
                client.Kill(entireProcessTree: true);
            }
        }

        var perConnection = Math.Max(1, loaded.ConnectionsOpen);
        report.Line("simulator.connections.target", target, "connections");
        report.Line("simulator.connections.held", loaded.ConnectionsOpen, "connections");
        report.Line("simulator.connections.logged_in_by_client", held, "connections");
        report.Line("simulator.connections.failed", linkFailures + loginFailures, "connections");
        report.Line("simulator.connections.dropped_while_idle", dropped, "connections");
        report.Line("simulator.connect.rate", held / seconds, "conn/s");
        report.Line("simulator.memory.total", loaded.WorkingSet / 1048576.0, "MB");
        report.Line("simulator.memory.gc_heap", loaded.GcHeap / 1048576.0, "MB");
        report.Line("simulator.memory.per_connection", (loaded.WorkingSet - baseline.WorkingSet) / (double)perConnection / 1024, "KB");
        report.Line("simulator.memory.per_connection.gc_heap", (loaded.GcHeap - baseline.GcHeap) / (double)perConnection / 1024, "KB");
    }

    private sealed record Memory(long WorkingSet, long GcHeap, long ConnectionsOpen);

    /// <summary>Working set and GC heap after a full blocking, compacting collection.</summary>
    private static Memory Measure(WaSimulator simulator)
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var self = Process.GetCurrentProcess();
        return new Memory(self.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false), simulator.Counters.ConnectionsOpen);
    }

    private static string? OptionValue(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    /// <summary>This executable again, in client mode, with stdin/stdout as its control channel.</summary>
    private static Process StartClient(SimulatorHost host)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Under `dotnet <dll>` the process is the muxer: name the assembly too.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(SimulatorBenchmark).Assembly.Location);
        foreach (var arg in new[] { "simulator", "--client", host.ChatUri.ToString(), "--root-key", Convert.ToBase64String(host.Simulator.RootPublicKey) }) start.ArgumentList.Add(arg);
        return Process.Start(start) ?? throw new InvalidOperationException("load client did not start");
    }
}

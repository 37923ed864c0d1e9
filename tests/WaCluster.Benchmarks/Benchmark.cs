using System.Diagnostics;

namespace WaCluster.Benchmarks;

/// <summary>
/// One benchmark, run by name (`dotnet pwsh build.ps1 bench &lt;name&gt;`). Implementations are found by reflection,
/// so adding a benchmark is adding a class. Each prints `name value unit` lines through <see cref="BenchmarkReport"/>.
/// </summary>
public interface IBenchmark
{
    string Name { get; }

    Task RunAsync(BenchmarkReport report);
}

/// <summary>Where a benchmark writes its `name value unit` lines.</summary>
public sealed class BenchmarkReport(TextWriter output)
{
    public void Line(string name, double value, string unit) =>
        output.WriteLine(FormattableString.Invariant($"{name} {value:0.###} {unit}"));

    /// <summary>Runs <paramref name="operation"/> repeatedly for about <paramref name="duration"/> after a warm-up; returns operations per second.</summary>
    public static double Throughput(Action operation, TimeSpan duration, int warmup = 200)
    {
        for (var i = 0; i < warmup; i++) operation();
        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < 64; i++) operation();
            count += 64;
        }
        return count / watch.Elapsed.TotalSeconds;
    }
}

namespace WaCluster.Benchmarks;

/// <summary>`bench signal`: 1:1 sessions (one chain, ping-pong) and group sender keys, each beside its Node peer.</summary>
public sealed class SignalBenchmark : IBenchmark
{
    public string Name => "signal";

    public async Task RunAsync(BenchmarkReport report)
    {
        await SignalSessionMeasurements.RunAsync(report);
        await SignalGroupMeasurements.RunAsync(report);
    }
}

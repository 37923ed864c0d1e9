namespace WaCluster.Node.Metrics;

/// <summary>Where a node serves <c>/metrics</c> and its health checks, and how long idle series live.</summary>
public sealed record MetricsOptions
{
    /// <summary>A loopback default: exposing metrics beyond the host is an explicit operator choice (e.g. http://0.0.0.0:9464).</summary>
    public const string DefaultUrl = "http://127.0.0.1:9464";

    public string Url { get; init; } = DefaultUrl;

    /// <summary>
    /// Series per instrument at most. Only the per-account counters come near it: a node keeps one series per account
    /// it has hosted since it started, so the default covers 10,000 accounts on one node; past it new accounts are
    /// counted in a single overflow series (<c>otel_metric_overflow="true"</c>) and the export stays bounded.
    /// </summary>
    public int SeriesLimit { get; init; } = 10_050;

    /// <summary>How long the journal health check waits for its write and read.</summary>
    public TimeSpan JournalCheckTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

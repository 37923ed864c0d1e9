using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using WaCluster.Actors.Metrics;

namespace WaCluster.Node.Metrics;

/// <summary>
/// The node's Prometheus export (OpenTelemetry's exporter: counters stay counters with <c>_total</c>, histograms
/// get their unit, e.g. <c>_seconds</c>). It takes this node's <see cref="NodeMetrics"/> meter and the .NET runtime's
/// own meter; meters of the same name from other nodes in the process are dropped, so each node exports only itself.
/// </summary>
internal static class PrometheusExport
{
    private const string RuntimeMeterName = "System.Runtime";

    // Seconds: from a loopback ack (well under a millisecond) to a journal stuck behind a busy disk.
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public static void Add(IServiceCollection services, Meter nodeMeter, MetricsOptions options, string nodeAddress)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("wacluster-node", serviceInstanceId: nodeAddress))
            .WithMetrics(metrics => metrics
                .AddMeter(NodeMetrics.MeterName, RuntimeMeterName)
                .AddView(instrument => View(instrument, nodeMeter, options))
                .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
    }

    private static MetricStreamConfiguration? View(Instrument instrument, Meter nodeMeter, MetricsOptions options)
    {
        if (instrument.Meter.Name != NodeMetrics.MeterName)
        {
            return null;
        }
        if (!ReferenceEquals(instrument.Meter, nodeMeter))
        {
            return MetricStreamConfiguration.Drop;
        }
        // Past the limit OpenTelemetry folds new label sets into one overflow series instead of growing.
        return instrument is Histogram<double>
            ? new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets, CardinalityLimit = options.SeriesLimit }
            : new MetricStreamConfiguration { CardinalityLimit = options.SeriesLimit };
    }
}

using Akka.Actor;

namespace WaCluster.Actors.Metrics;

/// <summary>The node's single <see cref="NodeMetrics"/>; <c>wacluster.metrics.per-account-labels</c> (on by default).</summary>
public sealed class NodeMetricsExtension : IExtension
{
    public NodeMetricsExtension(ExtendedActorSystem system)
    {
        var config = system.Settings.Config.GetConfig("wacluster.metrics");
        Metrics = new NodeMetrics(config is null || config.IsEmpty || config.GetBoolean("per-account-labels", true));
        system.RegisterOnTermination(Metrics.Dispose);
    }

    public NodeMetrics Metrics { get; }
}

public sealed class NodeMetricsProvider : ExtensionIdProvider<NodeMetricsExtension>
{
    public override NodeMetricsExtension CreateExtension(ExtendedActorSystem system) => new(system);
}

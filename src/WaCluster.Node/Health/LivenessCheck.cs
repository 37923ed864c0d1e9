using Akka.Actor;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WaCluster.Node.Health;

/// <summary>Live while the node's ActorSystem runs: a terminated system never recovers, so the process should be replaced.</summary>
internal sealed class LivenessCheck(ActorSystem system) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(system.WhenTerminated.IsCompleted
            ? HealthCheckResult.Unhealthy("the actor system has terminated")
            : HealthCheckResult.Healthy($"actor system {system.Name} running for {system.Uptime}"));
}

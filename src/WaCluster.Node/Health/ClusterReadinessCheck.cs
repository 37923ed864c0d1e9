using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WaCluster.Node.Health;

/// <summary>
/// Ready when this node is an Up member and the account region reaches the shard coordinator, which lists at least
/// one region (this node's own when it hosts accounts): then commands sent here can reach their accounts.
/// </summary>
internal sealed class ClusterReadinessCheck(ActorSystem system, IActorRef accountRegion, bool hostsAccounts, TimeSpan timeout) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var self = cluster.SelfMember;
        if (self.Status != MemberStatus.Up)
        {
            return HealthCheckResult.Unhealthy($"member {cluster.SelfAddress} is {self.Status}, not Up");
        }
        CurrentRegions regions;
        try
        {
            regions = await accountRegion.Ask<CurrentRegions>(GetCurrentRegions.Instance, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return HealthCheckResult.Unhealthy($"the shard coordinator did not answer within {timeout.TotalSeconds:0.#} s");
        }
        if (regions.Regions.Count == 0)
        {
            return HealthCheckResult.Unhealthy("the shard coordinator is not reachable yet or lists no account region");
        }
        if (hostsAccounts && !regions.Regions.Contains(cluster.SelfAddress))
        {
            return HealthCheckResult.Unhealthy("this node's account region is not registered with the coordinator yet");
        }
        return HealthCheckResult.Healthy($"member Up, {regions.Regions.Count} account region(s)");
    }
}

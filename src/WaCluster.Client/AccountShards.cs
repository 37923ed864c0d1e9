using Akka.Actor;
using Akka.Cluster.Sharding;

namespace WaCluster.Client;

/// <summary>Where the accounts live: the shard region's name and the role of the nodes that host it.</summary>
public static class AccountShards
{
    public const string RegionName = "accounts";

    /// <summary>The cluster role of the nodes that host accounts.</summary>
    public const string Role = "accounts";

    public const int DefaultNumberOfShards = 100;

    /// <summary>
    /// Starts (or returns) this member's proxy to the account region; it hosts no account itself. The number of shards
    /// must be the one the account nodes use.
    /// </summary>
    public static IActorRef StartProxy(ActorSystem system, int numberOfShards = DefaultNumberOfShards) =>
        ClusterSharding.Get(system).StartProxy(RegionName, Role, new AccountMessageExtractor(numberOfShards));
}

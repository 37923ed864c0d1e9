namespace WaCluster.Node.Hosting;

/// <summary>ActorRegistry key of the account shard region (or its proxy on nodes that host no accounts).</summary>
public sealed class AccountRegion;

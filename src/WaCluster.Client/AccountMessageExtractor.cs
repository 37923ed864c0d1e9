using Akka.Cluster.Sharding;
using WaCluster.Contracts;

namespace WaCluster.Client;

/// <summary>
/// Routes every <see cref="IWithAccountId"/> message to the account's entity; shards by hash of the id. Sharding's
/// own envelopes (ShardingEnvelope, StartEntity) are handled by the base class.
/// </summary>
public sealed class AccountMessageExtractor(int maxNumberOfShards) : HashCodeMessageExtractor(maxNumberOfShards)
{
    public override string? EntityId(object message) =>
        message is IWithAccountId { AccountId.Length: > 0 } withId ? withId.AccountId : null;
}

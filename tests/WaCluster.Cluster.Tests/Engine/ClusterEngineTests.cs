namespace WaCluster.Cluster.Tests.Engine;

/// <summary>The node restart conversation on the default journal, a SQLite file.</summary>
[Trait("Proof", "cluster-engine")]
public sealed class ClusterEngineTests : NodeRestartConversation
{
    protected override Task<string?> PostgresConnectionStringAsync() => Task.FromResult<string?>(null);

    [Fact]
    public Task Accounts_pair_chat_and_come_back_after_a_node_restart_on_sqlite() =>
        Accounts_pair_chat_and_come_back_after_a_node_restart_without_pairing_again();
}

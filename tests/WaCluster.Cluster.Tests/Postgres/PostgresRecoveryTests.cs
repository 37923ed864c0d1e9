using Npgsql;
using WaCluster.Cluster.Tests.Engine;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Postgres;

/// <summary>
/// The node restart conversation on PostgreSQL (a private server of this test class): journal, snapshots, pruning
/// and sharding's remember-entities tables all in one database, and the accounts recover from it without pairing.
/// </summary>
[Trait("Proof", "cluster-postgres")]
public sealed class PostgresRecoveryTests(PostgresServer server) : NodeRestartConversation, IClassFixture<PostgresServer>
{
    private string _database = "";

    protected override async Task<string?> PostgresConnectionStringAsync() =>
        _database = await server.CreateDatabaseAsync("restart_" + Guid.NewGuid().ToString("N")[..8]);

    [PostgresFact]
    public async Task Accounts_pair_chat_and_come_back_after_a_node_restart_on_postgres()
    {
        await Accounts_pair_chat_and_come_back_after_a_node_restart_without_pairing_again();

        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        Assert.True(await CountAsync(connection, "SELECT COUNT(*) FROM journal WHERE persistence_id LIKE 'account-%'") > 0);
        // Snapshots were taken and the journal below them pruned (the pruning follows the snapshot's success, on its own time).
        Assert.True(await CountAsync(connection, "SELECT COUNT(*) FROM snapshot WHERE persistence_id LIKE 'account-%'") > 0);
        await Eventually.UntilAsync(async () => await CountAsync(connection, "SELECT MIN(sequence_nr) FROM journal WHERE persistence_id = 'account-alice'") > 1,
            TimeSpan.FromSeconds(30), "the journal of alice pruned below its snapshot");
        Assert.True(await CountAsync(connection, "SELECT COUNT(*) FROM sharding_journal") > 0);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}

using Akka.Persistence.Sql.Hosting;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace WaCluster.Node.Hosting;

/// <summary>
/// The SQL journals of a node: one pair (journal + snapshots) for accounts, and a pair of its own, in separate
/// tables, for sharding's remember-entities state.
/// </summary>
public static class JournalSetup
{
    public const string ShardingPluginId = "sharding";

    public static (SqlJournalOptions Journal, SqlSnapshotOptions Snapshots) Accounts(WaClusterNodeOptions options) =>
        Create(options, isDefault: true, identifier: "sql", tablePrefix: "");

    public static (SqlJournalOptions Journal, SqlSnapshotOptions Snapshots) Sharding(WaClusterNodeOptions options) =>
        Create(options, isDefault: false, identifier: ShardingPluginId, tablePrefix: "sharding_");

    /// <summary>
    /// Puts the SQLite file in write-ahead-log mode (a property of the file, kept across opens): readers no longer
    /// block the single writer, which roughly doubles journal throughput.
    /// </summary>
    public static void PrepareSqliteFile(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        using var connection = new SqliteConnection(SqliteConnectionString(path));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    public static string SqliteConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();

    private static (SqlJournalOptions, SqlSnapshotOptions) Create(
        WaClusterNodeOptions options, bool isDefault, string identifier, string tablePrefix)
    {
        var postgres = options.PostgresConnectionString is not null;
        var connectionString = options.PostgresConnectionString ?? SqliteConnectionString(options.SqliteFile);
        var provider = postgres ? ProviderName.PostgreSQL15 : ProviderName.SQLiteMS;

        var journalDatabase = postgres ? JournalDatabaseOptions.PostgreSql : JournalDatabaseOptions.Sqlite;
        journalDatabase.JournalTable?.TableName = tablePrefix + "journal";
        journalDatabase.MetadataTable?.TableName = tablePrefix + "journal_metadata";
        journalDatabase.TagTable?.TableName = tablePrefix + "tags";
        var snapshotDatabase = postgres ? SnapshotDatabaseOptions.PostgreSql : SnapshotDatabaseOptions.Sqlite;
        snapshotDatabase.SnapshotTable?.TableName = tablePrefix + "snapshot";

        var journal = new SqlJournalOptions(isDefault, identifier)
        {
            ConnectionString = connectionString,
            ProviderName = provider,
            AutoInitialize = true,
            DatabaseOptions = journalDatabase,
        };
        var snapshots = new SqlSnapshotOptions(isDefault, identifier)
        {
            ConnectionString = connectionString,
            ProviderName = provider,
            AutoInitialize = true,
            DatabaseOptions = snapshotDatabase,
        };
        return (journal, snapshots);
    }
}

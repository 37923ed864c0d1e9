using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Microsoft.Data.Sqlite;
using WaCluster.Client;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.Contracts.Serialization;
using WaCluster.Node.Hosting;
using WaCluster.TestSupport;
using Xunit.Abstractions;

namespace WaCluster.Cluster.Tests.Failover;

/// <summary>
/// Three nodes in one process on one SQLite journal. Accounts started through the shard region persist state; one
/// node is killed without leaving; its accounts must come back on the survivors by themselves (remember-entities)
/// with their persisted creds and outbox. Commands enter through a fourth node without the accounts role (shard
/// region proxy), as a sibling service would use the cluster. Message traffic through the engine during the failover is a later slice.
/// </summary>
[Trait("Proof", "cluster-failover")]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int AccountCount = 60;
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Accounts_of_a_killed_node_resume_on_the_survivors_with_their_state()
    {
        await using var nodes = new ClusterNodes(accountNodes: 3, serviceNodes: 1);
        await nodes.StartAllAsync();
        await Eventually.UntilAsync(() => Akka.Cluster.Cluster.Get(nodes.ActorSystemOf(0)).State.Members.Count(member => member.Status == MemberStatus.Up) == 4,
            TimeSpan.FromSeconds(60), "four nodes up");

        var entry = nodes.Facade(3);
        var published = new System.Collections.Concurrent.ConcurrentQueue<IAccountEvent>();
        using var subscription = nodes.Facade(1).Subscribe(null, published.Enqueue);
        // Pub-sub is at most once: wait until every account node knows the subscriber before events start.
        await Eventually.UntilAsync(async () =>
        {
            foreach (var index in Enumerable.Range(0, nodes.AccountNodes))
            {
                var mediator = DistributedPubSub.Get(nodes.ActorSystemOf(index)).Mediator;
                var known = await mediator.Ask<CurrentTopics>(GetTopics.Instance, TimeSpan.FromSeconds(3));
                if (!known.Topics.Contains(Topics.AllAccounts))
                {
                    return false;
                }
            }
            return true;
        }, TimeSpan.FromSeconds(20), "subscription known on every account node");
        var accounts = Enumerable.Range(0, AccountCount).Select(i => $"acct-{i:D3}").ToList();
        await Task.WhenAll(accounts.Select(async account =>
        {
            await Retry(() => entry.StartAccountAsync(account));
            await Retry(() => entry.SendTextAsync(account, "out-" + account, "15550009999@s.whatsapp.net", "hi from " + account));
        }));

        // Every account connected once and persisted its creds.
        var before = new Dictionary<string, AccountStatus>();
        await Eventually.UntilAsync(async () =>
        {
            foreach (var account in accounts)
            {
                before[account] = await Retry(() => entry.GetStatusAsync(account));
            }
            return before.Values.All(status => status.HasCreds);
        }, TimeSpan.FromSeconds(60), "creds persisted");

        // Events of accounts on every node reach a subscriber of the all-accounts topic on another node.
        await Eventually.UntilAsync(() => accounts.All(account => published.Any(e => e is ConnectionChanged c && c.AccountId == account)),
            TimeSpan.FromSeconds(30), "connection events published");

        var victimIndex = Enumerable.Range(1, 2).MaxBy(i => before.Values.Count(status => status.Node == ClusterNodes.Address(nodes.Ports[i])));
        var victim = ClusterNodes.Address(nodes.Ports[victimIndex]);
        var moved = accounts.Where(account => before[account].Node == victim).ToList();
        Assert.NotEmpty(moved);
        output.WriteLine($"killing {victim} hosting {moved.Count} of {AccountCount} accounts");

        var clock = Stopwatch.StartNew();
        await nodes.ActorSystemOf(victimIndex).Terminate();

        // No message is sent to the moved accounts: they must restart because sharding remembered them.
        await Eventually.UntilAsync(() => moved.All(account => nodes.ConnectionStarts[account].Count >= 2),
            FailoverBound, "moved accounts restarted on survivors");
        var resumedAfter = clock.Elapsed;
        output.WriteLine($"{moved.Count} accounts resumed after {resumedAfter.TotalSeconds:F1} s");

        foreach (var account in moved)
        {
            var restartedOn = nodes.ConnectionStarts[account].Last();
            Assert.NotEqual(victim, restartedOn);
            var status = await Retry(() => entry.GetStatusAsync(account));
            Assert.NotEqual(victim, status.Node);
            Assert.True(status.HasCreds, account + " lost its creds");
            Assert.Equal(1, status.PendingSends);
            Assert.Equal(before[account].LastSequenceNr, status.LastSequenceNr);
            Assert.Equal(ConnectionState.Connecting, status.Connection);
        }
        Assert.True(resumedAfter < FailoverBound);

        AssertNodeConfiguration(nodes.ActorSystemOf(0));
        AssertJournalFile(nodes.SqliteFile);
    }

    private static void AssertNodeConfiguration(ActorSystem system)
    {
        foreach (var type in WaClusterSerializer.KnownTypes)
        {
            Assert.IsType<WaClusterSerializer>(system.Serialization.FindSerializerForType(type));
        }
        Assert.DoesNotContain(system.Settings.Config.GetConfig("akka.actor.serializers").AsEnumerable(),
            pair => pair.Value.GetString().Contains("Hyperion", StringComparison.OrdinalIgnoreCase));
    }

    private static void AssertJournalFile(string file)
    {
        using var connection = new SqliteConnection(JournalSetup.SqliteConnectionString(file));
        connection.Open();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
        // Sharding's remember-entities state lives in tables of its own, apart from the accounts' events.
        Assert.True(Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM sharding_journal")) > 0);
        Assert.Equal(0L, Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM sharding_journal WHERE persistence_id LIKE 'account-%'")));
        Assert.True(Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM journal WHERE persistence_id LIKE 'account-%'")) >= AccountCount * 3);
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (AskTimeoutException) when (attempt < 6)
            {
                // The shard is moving; commands are idempotent, so asking again is safe.
            }
        }
    }

    private static async Task Retry(Func<Task> call) => await Retry(async () => { await call(); return true; });
}

using System.Net;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Remote;
using Microsoft.Data.Sqlite;

namespace WaCluster.Cluster.Tests.Health;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> over HTTP: a joined node with a working journal is ready; a node
/// whose journal cannot be written, or that never joined a cluster, is live but not ready (503) and says why.
/// </summary>
[Trait("Proof", "health")]
public sealed class HealthCheckTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_joined_node_with_a_working_journal_is_live_and_ready()
    {
        await using var node = await HealthNode.StartAsync();

        var live = await node.GetAsync("health/live");
        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.Equal("Healthy", live.Check("actor-system"));
        Assert.False(live.Json.GetProperty("checks").TryGetProperty("journal", out _), "liveness does not wait on the journal");

        var ready = await node.WaitForAsync("health/ready", HttpStatusCode.OK, Settle);
        Assert.True(ready.Status == HttpStatusCode.OK, ready.Body);
        Assert.Equal("Healthy", ready.Overall);
        Assert.Equal("Healthy", ready.Check("cluster"));
        Assert.Equal("Healthy", ready.Check("journal"));
    }

    [Fact]
    public async Task A_node_whose_journal_cannot_be_written_is_live_but_not_ready_until_the_journal_recovers()
    {
        await using var node = await HealthNode.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await node.WaitForAsync("health/ready", HttpStatusCode.OK, Settle)).Status);

        // Another process holds SQLite's write lock: every journal write waits behind it.
        var blocker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = node.SqliteFile, Pooling = false }.ToString());
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
        }

        var blocked = await node.GetAsync("health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, blocked.Status);
        Assert.Equal("Unhealthy", blocked.Check("journal"));
        Assert.Contains("journal", blocked.Description("journal"), StringComparison.Ordinal);
        Assert.Equal("Healthy", blocked.Check("cluster"));
        Assert.Equal(HttpStatusCode.OK, (await node.GetAsync("health/live")).Status);

        await using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }
        await blocker.DisposeAsync();
        var recovered = await node.WaitForAsync("health/ready", HttpStatusCode.OK, Settle);
        Assert.True(recovered.Status == HttpStatusCode.OK, recovered.Body);
        Assert.Equal("Healthy", recovered.Check("journal"));
    }

    [Fact]
    public async Task A_node_that_never_joined_a_cluster_is_live_but_not_ready()
    {
        // Its only seed is a port where no node listens: it stays out of any cluster.
        var seed = Address.Parse($"akka.tcp://wacluster@127.0.0.1:{HealthNode.FreePort()}");
        await using var node = await HealthNode.StartAsync(seed.ToString());
        var failedAttempts = Channel.CreateUnbounded<AssociationErrorEvent>();
        var recorder = node.System.ActorOf(Props.Create(() => new FailedAttempts(failedAttempts.Writer)));
        node.System.EventStream.Subscribe(recorder, typeof(AssociationErrorEvent));

        Assert.Equal(HttpStatusCode.OK, (await node.GetAsync("health/live")).Status);
        // After each of several failed attempts to reach its seed, its only way into a cluster: it must never turn ready.
        for (var i = 0; i < 3; i++)
        {
            var failed = await failedAttempts.Reader.ReadAsync().AsTask().WaitAsync(Settle);
            Assert.Equal(seed, failed.RemoteAddress);
            var ready = await node.GetAsync("health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
            Assert.Equal("Unhealthy", ready.Check("cluster"));
            Assert.Contains("not Up", ready.Description("cluster"), StringComparison.Ordinal);
        }
    }

    private sealed class FailedAttempts : ReceiveActor
    {
        public FailedAttempts(ChannelWriter<AssociationErrorEvent> into) => Receive<AssociationErrorEvent>(failed => into.TryWrite(failed));
    }
}

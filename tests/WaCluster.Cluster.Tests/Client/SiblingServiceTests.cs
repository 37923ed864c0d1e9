using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using WaCluster.Client;
using WaCluster.Cluster.Tests.Failover;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Client;

/// <summary>
/// A sibling service built as the README shows, with WaCluster.Client only: its own ActorSystem joins the cluster,
/// starts the account proxy, commands an account that lives on a node and gets that account's events.
/// </summary>
[Trait("Proof", "cluster-client")]
public sealed class SiblingServiceTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_service_with_only_the_client_package_commands_accounts_and_gets_their_events()
    {
        await using var nodes = new ClusterNodes(accountNodes: 1);
        await nodes.StartAllAsync();
        using var sibling = ActorSystem.Create("wacluster",
            WaClusterClient.Hocon("127.0.0.1", FreePort(), [ClusterNodes.Address(nodes.Ports[0])]) + "\nakka.loglevel = WARNING");
        var up = new TaskCompletionSource();
        Akka.Cluster.Cluster.Get(sibling).RegisterOnMemberUp(up.SetResult);
        await up.Task.WaitAsync(Slow);

        var cluster = WaClusterClient.Connect(sibling, numberOfShards: 30);
        var events = new ConcurrentQueue<IAccountEvent>();
        using var subscription = cluster.Subscribe("sibling-1", events.Enqueue);
        // Pub-sub is at most once: wait until the node's mediator has heard of the sibling's subscription.
        var nodeMediator = DistributedPubSub.Get(nodes.ActorSystemOf(0)).Mediator;
        await Eventually.UntilAsync(async () => (await nodeMediator.Ask<CurrentTopics>(GetTopics.Instance, Slow)).Topics.Contains(Topics.ForAccount("sibling-1")),
            Slow, "the node knows the sibling's subscription");

        await cluster.StartAccountAsync("sibling-1");
        // The node's stand-in connection persists creds as an engine does after pairing; the account says it connects.
        await Eventually.UntilAsync(() => events.OfType<ConnectionChanged>().Any(changed => changed.Connection == ConnectionState.Connecting), Slow, "the account connecting");
        await Eventually.UntilAsync(async () => (await cluster.GetStatusAsync("sibling-1")).HasCreds, Slow, "the account holding creds");

        await cluster.SendTextAsync("sibling-1", "sibling-msg-1", "15550009999@s.whatsapp.net", "from a sibling");
        var status = await cluster.GetStatusAsync("sibling-1");
        Assert.Equal(("sibling-1", 1, ClusterNodes.Address(nodes.Ports[0])), (status.AccountId, status.PendingSends, status.Node));
        var refused = await Assert.ThrowsAsync<AccountCommandRejectedException>(
            () => cluster.SendTextAsync("sibling-1", "no spaces allowed", "15550009999@s.whatsapp.net", "x"));
        Assert.Equal(RejectionReason.Invalid, refused.Rejection.Reason);
        Assert.All(events, accountEvent => Assert.Equal("sibling-1", accountEvent.AccountId));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

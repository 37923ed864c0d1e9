using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.Node.Hosting;
using WaCluster.Simulator;
using WaCluster.TestSupport;
using Xunit.Abstractions;

namespace WaCluster.Cluster.Tests.Failover;

/// <summary>
/// Three account nodes and a service node on one SQLite journal, with the real engine on the in-process simulator.
/// Accounts pair by QR, then send one another messages through the cluster API while the busiest node is killed
/// hard: its accounts resume on the survivors without pairing again, every message reaches its recipient's
/// subscribers (by id; duplicates of at-least-once delivery are counted, none is missing), and the server never had
/// to replace a live connection (0 device conflicts: the old socket was gone before the new one logged in).
/// Scale: the 300 accounts and 10,000 messages, about a minute on a 2-core machine.
/// </summary>
[Trait("Proof", "cluster-failover")]
[Collection(RunsAlone.Name)]
public sealed class EngineFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int AccountCount = 300;
    private const int MessageCount = 10_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(150);
    private SimulatorHost _simulator = null!;

    public async Task InitializeAsync() => _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 53 });

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Fact]
    public async Task Accounts_of_a_killed_node_resume_on_survivors_and_every_message_arrives()
    {
        await using var nodes = new ClusterNodes(accountNodes: 3, serviceNodes: 1,
            engine: EngineEndpointOptions.Simulator(_simulator.ChatUri, _simulator.Simulator.RootPublicKey));
        await nodes.StartAllAsync();
        await Eventually.UntilAsync(() => Akka.Cluster.Cluster.Get(nodes.ActorSystemOf(0)).State.Members.Count(member => member.Status == MemberStatus.Up) == 4,
            Bound, "four nodes up");
        var entry = nodes.Facade(3);
        var published = new ConcurrentQueue<IAccountEvent>();
        using var subscription = entry.Subscribe(null, published.Enqueue);
        await Eventually.UntilAsync(async () =>
        {
            foreach (var index in Enumerable.Range(0, nodes.AccountNodes))
            {
                var known = await DistributedPubSub.Get(nodes.ActorSystemOf(index)).Mediator.Ask<CurrentTopics>(GetTopics.Instance, TimeSpan.FromSeconds(3));
                if (!known.Topics.Contains(Topics.AllAccounts))
                {
                    return false;
                }
            }
            return true;
        }, Bound, "subscription known on every account node");

        // Pairing: each account publishes a QR, a new phone scans it.
        var accounts = Enumerable.Range(0, AccountCount).Select(i => $"fo-{i:D2}").ToList();
        await Task.WhenAll(accounts.Select(account => Retry(() => entry.StartAccountAsync(account))));
        var jids = new ConcurrentDictionary<string, string>();
        await Task.WhenAll(accounts.Select(async (account, i) =>
        {
            var qr = await Eventually.FindAsync(() => published.OfType<QrCodeIssued>().FirstOrDefault(q => q.AccountId == account), Bound, () => $"a QR of {account}");
            jids[account] = (await _simulator.Simulator.ScanAsync(qr.Qr, $"1555004{i:D4}").WaitAsync(Bound)).Jid;
        }));
        await Eventually.UntilAsync(() => accounts.All(account => published.Any(e => e is ConnectionChanged { Connection: ConnectionState.Connected } c && c.AccountId == account)),
            Bound, "every account logged in");
        var pairings = _simulator.Simulator.Counters.Pairings;

        var statuses = new Dictionary<string, AccountStatus>();
        foreach (var account in accounts)
        {
            statuses[account] = await Retry(() => entry.GetStatusAsync(account));
        }
        var victimIndex = Enumerable.Range(1, 2).MaxBy(i => statuses.Values.Count(status => status.Node == ClusterNodes.Address(nodes.Ports[i])));
        var victim = ClusterNodes.Address(nodes.Ports[victimIndex]);
        var moved = accounts.Where(account => statuses[account].Node == victim).ToHashSet();
        Assert.NotEmpty(moved);

        // Traffic: account i writes to account i+1; the node dies a third of the way through.
        var expected = Enumerable.Range(0, MessageCount)
            .Select(k => (Id: $"msg-{k:D5}", From: accounts[k % AccountCount], To: accounts[(k + 1) % AccountCount]))
            .ToList();
        var clock = Stopwatch.StartNew();
        TimeSpan? killedAt = null;
        var sent = 0;
        // Each account sends its own messages in order; accounts send side by side.
        var sending = Task.WhenAll(expected.GroupBy(message => message.From).Select(fromOne => Task.Run(async () =>
        {
            foreach (var message in fromOne)
            {
                if (Interlocked.Increment(ref sent) == MessageCount / 3)
                {
                    output.WriteLine($"killing {victim} hosting {moved.Count} of {AccountCount} accounts after {MessageCount / 3} sends");
                    killedAt = clock.Elapsed;
                    _ = nodes.ActorSystemOf(victimIndex).Terminate();
                }
                await Retry(() => entry.SendTextAsync(message.From, message.Id, jids[message.To], "text of " + message.Id));
            }
        })));
        await sending.WaitAsync(Bound);
        output.WriteLine($"{MessageCount} sends accepted after {clock.Elapsed.TotalSeconds:F1} s");

        var received = published.OfType<MessageReceived>();
        // One pass over what arrived per check: 10,000 messages against 10,000 events must not cost 10^8 steps each time.
        int MissingCount()
        {
            var arrived = received.Select(text => text.MessageId).ToHashSet(StringComparer.Ordinal);
            return expected.Count(message => !arrived.Contains(message.Id));
        }
        await Eventually.UntilAsync(() => MissingCount() == 0, Bound, () => $"every message received; missing {MissingCount()}");
        output.WriteLine($"all {MessageCount} received after {clock.Elapsed.TotalSeconds:F1} s (node killed at {killedAt?.TotalSeconds:F1} s)");

        var byId = received.GroupBy(text => text.MessageId).ToDictionary(group => group.Key, group => group.ToList());
        foreach (var message in expected)
        {
            Assert.All(byId[message.Id], text => Assert.Equal((message.To, "text of " + message.Id), (text.AccountId, text.Text)));
        }
        output.WriteLine($"{byId.Values.Sum(copies => copies.Count - 1)} duplicate publications (subscribers dedupe by id)");

        foreach (var account in moved)
        {
            var status = await Retry(() => entry.GetStatusAsync(account));
            Assert.NotEqual(victim, status.Node);
            Assert.Equal(ConnectionState.Connected, status.Connection);
        }
        Assert.Equal(pairings, _simulator.Simulator.Counters.Pairings);
        Assert.Equal(AccountCount, published.OfType<QrCodeIssued>().Select(qr => qr.AccountId).Distinct().Count());
        Assert.Equal(0, _simulator.Simulator.Counters.Conflicts);
    }

    private static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (AskTimeoutException) when (attempt < 12)
            {
                // The shard is moving; commands are idempotent by id, so asking again is safe.
            }
        }
    }

    private static async Task Retry(Func<Task> call) => await Retry(async () => { await call(); return true; });
}

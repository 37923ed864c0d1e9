using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using WaCluster.Client;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Support;

/// <summary>Every account event a node publishes, in arrival order; waiting takes the next matching one not yet taken.</summary>
public sealed class AccountEventLog : IDisposable
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);
    private readonly ConcurrentQueue<IAccountEvent> _all = new();
    private readonly HashSet<IAccountEvent> _taken = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();
    private IDisposable? _subscription;

    /// <summary>Subscribes to all accounts and waits until the mediator knows the subscriber (pub-sub is at most once).</summary>
    public static async Task<AccountEventLog> SubscribeAsync(ActorSystem system, IWhatsAppCluster cluster)
    {
        var log = new AccountEventLog();
        log._subscription = cluster.Subscribe(null, log._all.Enqueue);
        var mediator = DistributedPubSub.Get(system).Mediator;
        await Eventually.UntilAsync(async () => (await mediator.Ask<CurrentTopics>(GetTopics.Instance, TimeSpan.FromSeconds(3))).Topics.Contains(Topics.AllAccounts),
            TimeSpan.FromSeconds(10), "the subscriber known to the mediator");
        return log;
    }

    /// <summary>Every event received so far, in arrival order.</summary>
    public IEnumerable<IAccountEvent> All => _all;

    public Task<T> NextAsync<T>(string accountId, Func<T, bool>? match = null, TimeSpan? timeout = null) where T : class, IAccountEvent =>
        Eventually.FindAsync(() => Take<T>(e => e.AccountId == accountId && (match is null || match(e))), timeout ?? Slow,
            () => $"a {typeof(T).Name} for {accountId}; got: {string.Join(", ", _all)}");

    private T? Take<T>(Func<T, bool> match) where T : class, IAccountEvent
    {
        lock (_gate)
        {
            var found = _all.OfType<T>().FirstOrDefault(e => !_taken.Contains(e) && match(e));
            if (found is not null) _taken.Add(found);
            return found;
        }
    }

    public void Dispose() => _subscription?.Dispose();
}

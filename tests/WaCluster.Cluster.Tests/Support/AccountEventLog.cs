using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using WaCluster.Client;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;

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
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(await mediator.Ask<CurrentTopics>(GetTopics.Instance, TimeSpan.FromSeconds(3))).Topics.Contains(Topics.AllAccounts))
        {
            Assert.True(DateTime.UtcNow < deadline, "the subscriber never reached the mediator");
            await Task.Delay(50);
        }
        return log;
    }

    /// <summary>Every event received so far, in arrival order.</summary>
    public IEnumerable<IAccountEvent> All => _all;

    public async Task<T> NextAsync<T>(string accountId, Func<T, bool>? match = null, TimeSpan? timeout = null) where T : class, IAccountEvent
    {
        var deadline = DateTime.UtcNow + (timeout ?? Slow);
        while (true)
        {
            lock (_gate)
            {
                var found = _all.OfType<T>().FirstOrDefault(e => !_taken.Contains(e) && e.AccountId == accountId && (match is null || match(e)));
                if (found is not null)
                {
                    _taken.Add(found);
                    return found;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No {typeof(T).Name} for {accountId}; got: {string.Join(", ", _all)}");
            }
            await Task.Delay(50);
        }
    }

    public void Dispose() => _subscription?.Dispose();
}

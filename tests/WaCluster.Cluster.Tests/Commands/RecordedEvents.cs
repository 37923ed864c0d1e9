using System.Collections.Concurrent;
using WaCluster.Contracts;

namespace WaCluster.Cluster.Tests.Commands;

/// <summary>Every published event in arrival order; waiting takes the next matching one not yet taken.</summary>
public sealed class RecordedEvents
{
    private readonly ConcurrentQueue<IAccountEvent> _all = new();
    private readonly HashSet<IAccountEvent> _taken = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();

    public IEnumerable<IAccountEvent> All => _all;

    public void Add(IAccountEvent accountEvent) => _all.Enqueue(accountEvent);

    public async Task<T> NextAsync<T>(string accountId, Func<T, bool>? match = null, TimeSpan? timeout = null) where T : class, IAccountEvent
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
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
}

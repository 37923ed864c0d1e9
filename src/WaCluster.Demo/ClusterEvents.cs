using System.Threading.Channels;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;

namespace WaCluster.Demo;

/// <summary>The events the cluster publishes for every account, printed as they come and awaited one kind at a time.</summary>
internal sealed class ClusterEvents
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);
    private readonly Channel<IAccountEvent> _events = Channel.CreateUnbounded<IAccountEvent>();
    private readonly List<IAccountEvent> _skipped = [];

    public void Add(IAccountEvent accountEvent)
    {
        if (accountEvent is ConnectionChanged changed)
        {
            Console.WriteLine($"[{changed.AccountId}] connection {changed.Connection} {changed.Detail}".TrimEnd());
        }
        _events.Writer.TryWrite(accountEvent);
    }

    /// <summary>The next <typeparamref name="T"/> that matches; other events wait for a later call.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool> match) where T : IAccountEvent
    {
        var earlier = _skipped.OfType<T>().FirstOrDefault(match);
        if (earlier is not null)
        {
            _skipped.Remove(earlier);
            return earlier;
        }
        using var timeout = new CancellationTokenSource(StepTimeout);
        while (true)
        {
            var next = await _events.Reader.ReadAsync(timeout.Token);
            if (next is T wanted && match(wanted))
            {
                return wanted;
            }
            _skipped.Add(next);
        }
    }
}

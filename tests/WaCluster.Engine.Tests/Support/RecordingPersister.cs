using System.Collections.Concurrent;
using System.Threading.Channels;
using WaCluster.Engine.State;

namespace WaCluster.Engine.Tests.Support;

/// <summary>Keeps every persisted change, and writes a "persist" entry into a shared log to check ordering.</summary>
internal sealed class RecordingPersister(ConcurrentQueue<string>? log = null) : IEngineStatePersister
{
    private readonly Channel<EngineStateChange> _arrivals = Channel.CreateUnbounded<EngineStateChange>();

    public ConcurrentQueue<EngineStateChange> Changes { get; } = new();

    public ValueTask PersistAsync(EngineStateChange change, CancellationToken cancellationToken)
    {
        Changes.Enqueue(change);
        _arrivals.Writer.TryWrite(change);
        log?.Enqueue("persist:" + change.Cause);
        return ValueTask.CompletedTask;
    }

    /// <summary>The next persisted change (after those already waited for) that matches, within <paramref name="seconds"/>.</summary>
    public async Task<EngineStateChange> NextAsync(Func<EngineStateChange, bool> match, int seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var change = await _arrivals.Reader.ReadAsync(timeout.Token);
            if (match(change)) return change;
        }
    }
}

using System.Collections.Concurrent;
using WaCluster.Engine.State;

namespace WaCluster.Engine.Tests.Support;

/// <summary>Keeps every persisted change, and writes a "persist" entry into a shared log to check ordering.</summary>
internal sealed class RecordingPersister(ConcurrentQueue<string>? log = null) : IEngineStatePersister
{
    public ConcurrentQueue<EngineStateChange> Changes { get; } = new();

    public ValueTask PersistAsync(EngineStateChange change, CancellationToken cancellationToken)
    {
        Changes.Enqueue(change);
        log?.Enqueue("persist:" + change.Cause);
        return ValueTask.CompletedTask;
    }
}

using WaCluster.Engine.State;

namespace WaCluster.Demo;

/// <summary>
/// Stands where the account actor's journal will stand: receives every state change before the engine acts on it.
/// The demo keeps nothing, it only counts what an account would have persisted.
/// </summary>
internal sealed class JournalCounter : IEngineStatePersister
{
    private int _changes;

    public int Changes => _changes;

    public ValueTask PersistAsync(EngineStateChange change, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _changes);
        return ValueTask.CompletedTask;
    }
}

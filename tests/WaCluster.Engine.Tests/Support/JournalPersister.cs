using System.Collections.Concurrent;
using WaCluster.Engine.Creds;
using WaCluster.Engine.State;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.Tests.Support;

/// <summary>
/// Persists every state change as bytes only (what an event journal holds) and rebuilds creds and keys from them,
/// so a test can drop an engine and start another from nothing but the journal.
/// </summary>
internal sealed class JournalPersister : IEngineStatePersister
{
    private readonly ConcurrentQueue<(byte[]? Creds, byte[]? Keys)> _journal = new();

    public int Count => _journal.Count;

    public ValueTask PersistAsync(EngineStateChange change, CancellationToken cancellationToken)
    {
        _journal.Enqueue((change.Creds?.ToByteArray(), change.Keys?.ToByteArray()));
        return ValueTask.CompletedTask;
    }

    public async Task<(AuthCreds Creds, InMemorySignalProtocolStore Keys)> ReplayAsync()
    {
        var creds = AuthCreds.Parse(_journal.Last(e => e.Creds is not null).Creds);
        var keys = new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId);
        foreach (var (_, change) in _journal)
        {
            if (change is not null) await SignalStateChange.Parse(change).ApplyAsync(keys);
        }
        return (creds, keys);
    }
}

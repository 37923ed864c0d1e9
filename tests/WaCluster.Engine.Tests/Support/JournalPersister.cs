using System.Collections.Concurrent;
using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Core.Store;
using WaCluster.Engine.State;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.Tests.Support;

/// <summary>
/// Persists every state change as bytes only (what an event journal holds) and rebuilds creds and keys from them,
/// so a test can drop an engine and start another from nothing but the journal. Received messages are kept as the
/// journal's record of what was delivered; their dedupe keys come back on replay.
/// </summary>
internal sealed class JournalPersister : IEngineStatePersister
{
    private readonly ConcurrentQueue<(byte[]? Creds, byte[]? Keys, byte[]? Data)> _journal = new();
    private readonly ConcurrentQueue<ReceivedMessage> _received = new();
    private readonly ConcurrentQueue<string> _receivedKeys = new();

    public int Count => _journal.Count;

    /// <summary>Every chat message journaled as received, in order (not the protocol messages between our own devices).</summary>
    public IReadOnlyList<ReceivedMessage> Received => [.. _received];

    /// <summary>Runs after a change is journaled (a test can crash the engine there, before it acts on the change).</summary>
    public Action<EngineStateChange>? AfterPersist { get; set; }

    public ValueTask PersistAsync(EngineStateChange change, CancellationToken cancellationToken)
    {
        _journal.Enqueue((change.Creds?.ToByteArray(), change.Keys?.ToByteArray(), change.Data?.ToByteArray()));
        foreach (var message in change.ReceivedMessages ?? [])
        {
            // As the account journals them: every message's dedupe key, chat messages only as delivered messages.
            _receivedKeys.Enqueue(ReceivedMessageWindow.KeyOf(message));
            if (!message.IsBetweenOwnDevices) _received.Enqueue(message);
        }
        AfterPersist?.Invoke(change);
        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<string> ReceivedKeys => [.. _receivedKeys];

    public async Task<(AuthCreds Creds, InMemorySignalProtocolStore Keys)> ReplayAsync()
    {
        var creds = AuthCreds.Parse(_journal.Last(e => e.Creds is not null).Creds);
        var keys = new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId);
        foreach (var (_, change, _) in _journal)
        {
            if (change is not null) await SignalStateChange.Parse(change).ApplyAsync(keys);
        }
        return (creds, keys);
    }

    /// <summary>The account data the journaled changes rebuild, read back from their bytes.</summary>
    public AccountData ReplayData() =>
        AccountData.From(_journal.Where(e => e.Data is not null).Select(e => AccountDataChange.Parse(e.Data)));
}

using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Core.Store;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.State;

/// <summary>
/// One change of the account's durable state: new credentials, Signal key changes, account data (the PN-LID map and
/// the like), and newly received messages (they join the <see cref="ReceivedMessageWindow"/>), with why. The engine hands it to <see cref="IEngineStatePersister"/>
/// and waits before it acts on the change towards the server. The messages travel in the change because once it is
/// durable the server is acked and will never deliver them again: the journal is where they survive a crash.
/// </summary>
public sealed record EngineStateChange(string Cause, AuthCreds? Creds, SignalStateChange? Keys, IReadOnlyList<ReceivedMessage>? ReceivedMessages = null,
    AccountDataChange? Data = null)
{
    public override string ToString() =>
        $"EngineStateChange({Cause}, creds {(Creds is null ? "unchanged" : "changed")}, keys {(Keys is null || Keys.IsEmpty ? "unchanged" : "changed")}, " +
        $"data {(Data is null || Data.IsEmpty ? "unchanged" : "changed")}, received {ReceivedMessages?.Count ?? 0})";
}

/// <summary>Durably stores a state change (the account actor journals it); the engine awaits it before replying or acking.</summary>
public interface IEngineStatePersister
{
    ValueTask PersistAsync(EngineStateChange change, CancellationToken cancellationToken);
}

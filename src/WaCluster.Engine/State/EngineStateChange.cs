using WaCluster.Engine.Creds;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.State;

/// <summary>
/// One change of the account's durable state: new credentials and/or Signal key changes, with why. The engine
/// hands it to <see cref="IEngineStatePersister"/> and waits before it acts on the change towards the server.
/// </summary>
public sealed record EngineStateChange(string Cause, AuthCreds? Creds, SignalStateChange? Keys)
{
    public override string ToString() =>
        $"EngineStateChange({Cause}, creds {(Creds is null ? "unchanged" : "changed")}, keys {(Keys is null || Keys.IsEmpty ? "unchanged" : "changed")})";
}

/// <summary>Durably stores a state change (the account actor journals it); the engine awaits it before replying or acking.</summary>
public interface IEngineStatePersister
{
    ValueTask PersistAsync(EngineStateChange change, CancellationToken cancellationToken);
}

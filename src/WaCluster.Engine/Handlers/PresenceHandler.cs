using WaCluster.Core.Presence;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Handlers;

/// <summary>A presence or chat state from the server: announced; neither kind is acked.</summary>
internal sealed class PresenceHandler(AccountEngine engine)
{
    public Task HandleAsync(ConnectionSession session, BinaryNode stanza, CancellationToken cancellationToken)
    {
        engine.Emit(PresenceStanzas.Parse(stanza));
        return Task.CompletedTask;
    }
}

using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Handlers;

/// <summary>Stanzas the engine does not act on yet (other notification types, calls): acked so the server does not deliver them again.</summary>
internal sealed class AckOnlyHandler(AccountEngine engine)
{
    public async Task HandleAsync(ConnectionSession session, BinaryNode stanza, CancellationToken cancellationToken) =>
        await session.SendAsync(StanzaAcks.For(stanza, engine.Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
}

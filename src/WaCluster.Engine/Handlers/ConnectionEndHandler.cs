using WaCluster.Core.Connection;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Handlers;

/// <summary>The server's closing stanzas: each ends the connection with the reason it carries.</summary>
internal static class ConnectionEndHandler
{
    public static Task OnStreamErrorAsync(ConnectionSession session, BinaryNode stanza, CancellationToken cancellationToken) =>
        End(session, StreamErrors.FromStreamError(stanza));

    public static Task OnFailureAsync(ConnectionSession session, BinaryNode stanza, CancellationToken cancellationToken) =>
        End(session, StreamErrors.FromFailure(stanza));

    public static Task OnStreamEndAsync(ConnectionSession session, BinaryNode stanza, CancellationToken cancellationToken) =>
        End(session, new DisconnectInfo((int)DisconnectReason.ConnectionClosed, "Connection Terminated by Server"));

    private static Task End(ConnectionSession session, DisconnectInfo info)
    {
        session.End(info);
        return Task.CompletedTask;
    }
}

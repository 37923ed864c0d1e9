using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Proto;

namespace WaCluster.Engine.Connection;

/// <summary>
/// One established connection that carries decoded nodes both ways. The engine core sees only this, so tests drive
/// it without sockets. Sends may come from several tasks; receives from one.
/// </summary>
public interface INodeTransport : IAsyncDisposable
{
    ValueTask SendAsync(BinaryNode node, CancellationToken cancellationToken = default);

    /// <summary>The next node, or null once the server closed the connection.</summary>
    ValueTask<BinaryNode?> ReceiveAsync(CancellationToken cancellationToken = default);
}

/// <summary>Opens connections: transport, Noise handshake with the given ClientPayload, then node framing.</summary>
public interface INodeTransportFactory
{
    Task<INodeTransport> ConnectAsync(ClientPayload payload, byte[]? routingInfo, CancellationToken cancellationToken = default);
}

using System.Collections.Concurrent;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Proto;

namespace WaCluster.Engine.Tests.Support;

/// <summary>Wraps a real transport factory and keeps every stanza the engine sends, so a test can inspect what went on the wire.</summary>
internal sealed class SentStanzas(INodeTransportFactory inner) : INodeTransportFactory
{
    public ConcurrentQueue<BinaryNode> Sent { get; } = new();

    public async Task<INodeTransport> ConnectAsync(ClientPayload payload, byte[]? routingInfo, CancellationToken cancellationToken = default) =>
        new Recording(await inner.ConnectAsync(payload, routingInfo, cancellationToken), Sent);

    private sealed class Recording(INodeTransport inner, ConcurrentQueue<BinaryNode> sent) : INodeTransport
    {
        public ValueTask SendAsync(BinaryNode node, CancellationToken cancellationToken = default)
        {
            sent.Enqueue(node);
            return inner.SendAsync(node, cancellationToken);
        }

        public ValueTask<BinaryNode?> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

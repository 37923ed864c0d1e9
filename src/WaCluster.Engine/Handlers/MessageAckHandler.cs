using WaCluster.Core.Events;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Handlers;

/// <summary>The server's ack of one of our messages: its latency is announced and the send waiting for it completes.</summary>
internal sealed class MessageAckHandler(AccountEngine engine)
{
    public Task HandleAsync(ConnectionSession session, BinaryNode ack, CancellationToken cancellationToken)
    {
        if (ack.GetAttribute("id") is { } acked && session.AckLatency(acked) is { } latency)
        {
            engine.Emit(new MessageServerAck(acked, latency, ack.GetAttribute("error")));
        }
        session.MessageAcks.TryComplete(ack);
        return Task.CompletedTask;
    }
}

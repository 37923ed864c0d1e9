using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Engine;
using WaCluster.Signal;

namespace WaCluster.Actors.Metrics;

/// <summary>Turns the engine events of one account into the node's delivery metrics.</summary>
public static class EngineEventMetrics
{
    public static void Record(this NodeMetrics metrics, string accountId, EngineEvent engineEvent)
    {
        switch (engineEvent)
        {
            case MessageServerAck ack:
                metrics.ServerAcked(ack.Latency, ack.Error);
                break;
            case RetryReceiptSent:
                metrics.RetryReceiptSent();
                break;
            case RetryReceiptReceived:
                metrics.RetryReceiptReceived();
                break;
            // The engine reports a message it cannot decrypt as an engine error wrapping the Signal failure.
            case EngineError { Error: EngineException { InnerException: SignalException } }:
                metrics.DecryptFailed(accountId);
                break;
        }
    }
}

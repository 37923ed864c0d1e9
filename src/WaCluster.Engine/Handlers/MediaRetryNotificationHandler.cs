using WaCluster.Core.Events;
using WaCluster.Core.Media;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Media;

namespace WaCluster.Engine.Handlers;

/// <summary>The answer to one of our media re-upload requests; answers nobody waits for (late, or for another device) are only acked.</summary>
internal sealed class MediaRetryNotificationHandler(AccountEngine engine)
{
    public async Task HandleAsync(ConnectionSession session, BinaryNode notification, CancellationToken cancellationToken)
    {
        await session.SendAsync(StanzaAcks.For(notification, engine.Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
        try
        {
            var answer = MediaRetryNodes.ParseAnswer(notification);
            if (engine.PendingReuploads.TryGetValue(answer.Id, out var pending)) pending.TrySetResult(answer);
        }
        catch (MediaRetryException ex)
        {
            if (notification.GetAttribute("id") is { } id && engine.PendingReuploads.TryGetValue(id, out var pending)) pending.TrySetException(ex);
            else engine.Emit(new EngineError("media re-upload answer", ex));
        }
    }
}

using WaCluster.Core.Keys;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Handlers;

/// <summary>
/// The server runs low on our pre-keys (an encrypt notification with a count): top up beside the read loop, since
/// the upload waits for its answer, and ack only after the new keys are persisted and uploaded. Other encrypt
/// notifications are only acked.
/// </summary>
internal sealed class PreKeyNotificationHandler(AccountEngine engine, AckOnlyHandler ackOnly)
{
    public Task HandleAsync(ConnectionSession session, BinaryNode notification, CancellationToken cancellationToken)
    {
        if (notification.GetAttribute("from") is not ("s.whatsapp.net" or "@s.whatsapp.net") || notification.GetChild("count") is null)
        {
            return ackOnly.HandleAsync(session, notification, cancellationToken);
        }
        session.RunBeside("pre-key refill", ct => RefillAsync(session, notification, ct), cancellationToken);
        return Task.CompletedTask;
    }

    // Tops up unless the server still holds enough.
    private async Task RefillAsync(ConnectionSession session, BinaryNode notification, CancellationToken cancellationToken)
    {
        var count = PreKeyUpload.ParseCount(notification);
        if (count < engine.Options.MinPreKeyCount) await engine.UploadPreKeysAsync(session, engine.Options.MinPreKeyCount, cancellationToken).ConfigureAwait(false);
        await session.SendAsync(StanzaAcks.For(notification, engine.Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
    }
}

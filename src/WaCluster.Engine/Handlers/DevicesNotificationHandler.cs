using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Core.Messaging;
using WaCluster.Core.Store;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Handlers;

/// <summary>
/// A user's devices changed (linked or removed): their cached device list is dropped and the PN-LID pairs the
/// notification names are persisted, then it is acked.
/// </summary>
internal sealed class DevicesNotificationHandler(AccountEngine engine)
{
    public async Task HandleAsync(ConnectionSession session, BinaryNode notification, CancellationToken cancellationToken)
    {
        if (notification.GetJid("from") is { } user) engine.DeviceLists.Invalidate(user);
        else engine.Emit(new EngineError("devices notification " + notification.GetAttribute("id"), new EngineException("devices notification without a user")));
        await LearnPairsAsync(notification, cancellationToken).ConfigureAwait(false);
        await session.SendAsync(StanzaAcks.For(notification, engine.Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
    }

    private async Task LearnPairsAsync(BinaryNode notification, CancellationToken cancellationToken)
    {
        var context = "devices notification " + notification.GetAttribute("id");
        try
        {
            await engine.LearnLidPairsAsync(LidPairs.OfDevices(notification), context, cancellationToken).ConfigureAwait(false);
        }
        catch (LidMappingException ex)
        {
            engine.Emit(new EngineError(context, ex));
        }
    }
}

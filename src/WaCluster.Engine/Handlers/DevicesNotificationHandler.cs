using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Handlers;

/// <summary>A user's devices changed (linked or removed): their cached device list is dropped, then the notification is acked.</summary>
internal sealed class DevicesNotificationHandler(AccountEngine engine)
{
    public async Task HandleAsync(ConnectionSession session, BinaryNode notification, CancellationToken cancellationToken)
    {
        if (notification.GetJid("from") is { } user) engine.DeviceLists.Invalidate(user);
        else engine.Emit(new EngineError("devices notification " + notification.GetAttribute("id"), new EngineException("devices notification without a user")));
        await session.SendAsync(StanzaAcks.For(notification, engine.Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
    }
}

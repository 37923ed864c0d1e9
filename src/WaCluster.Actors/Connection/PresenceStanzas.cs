using WaCluster.Contracts.Proto;
using WaCluster.Engine;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Actors.Connection;

/// <summary>
/// The stanzas of a SendPresence command, as WhatsApp Web sends them: availability is a <c>presence</c> carrying our
/// push name; typing is a <c>chatstate</c> to one chat, from our phone-number or LID JID matching the chat's.
/// </summary>
internal static class PresenceStanzas
{
    public static BinaryNode For(AccountEngine engine, SendPresence command)
    {
        var me = engine.Creds.Me ?? throw new EngineException("not paired");
        switch (command.Kind)
        {
            case PresenceKind.Available or PresenceKind.Unavailable:
                var name = (me.Name is { Length: > 0 } pushName ? pushName : Jid.Parse(me.Id).User).Replace("@", "", StringComparison.Ordinal);
                return new BinaryNode("presence", [("name", name), ("type", command.Kind == PresenceKind.Available ? "available" : "unavailable")]);
            case PresenceKind.Composing or PresenceKind.Paused:
                var to = Jid.Parse(command.ToJid);
                var from = to.Server == JidServer.Lid && me.Lid is { Length: > 0 } lid ? lid : me.Id;
                return new BinaryNode("chatstate", [("from", from), ("to", to.ToString())],
                    [new BinaryNode(command.Kind == PresenceKind.Composing ? "composing" : "paused")]);
            default:
                throw new ArgumentException($"presence kind {command.Kind} is not one to send", nameof(command));
        }
    }
}

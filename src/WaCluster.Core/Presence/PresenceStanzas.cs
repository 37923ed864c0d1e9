using System.Globalization;
using WaCluster.Core.Events;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Presence;

/// <summary>
/// The <c>presence</c> and <c>chatstate</c> stanzas: ours (online state with our push name, subscriptions, chat
/// states; "recording" travels as composing of audio media) and the server's, read into <see cref="PresenceUpdate"/>.
/// </summary>
internal static class PresenceStanzas
{
    public static BinaryNode OnlineState(PresenceKind kind, string pushName) =>
        new("presence", [("name", pushName.Replace("@", string.Empty, StringComparison.Ordinal)), ("type", kind == PresenceKind.Available ? "available" : "unavailable")]);

    public static BinaryNode Subscribe(Jid to, string id) => new("presence", [("to", to.ToString()), ("id", id), ("type", "subscribe")]);

    public static BinaryNode ChatState(PresenceKind kind, Jid from, Jid to)
    {
        var state = kind switch
        {
            PresenceKind.Composing => new BinaryNode("composing"),
            PresenceKind.Recording => new BinaryNode("composing", [("media", "audio")]),
            PresenceKind.Paused => new BinaryNode("paused"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a chat state"),
        };
        return new BinaryNode("chatstate", [("from", from.ToString()), ("to", to.ToString())], [state]);
    }

    public static PresenceUpdate Parse(BinaryNode node)
    {
        var chat = node.GetJid("from") ?? throw new EngineException($"<{node.Tag}> without a sender JID");
        var participant = node.GetAttribute("participant") is { } text
            ? Jid.TryParse(text, out var parsed) ? parsed : throw new EngineException($"<{node.Tag}> participant '{text}' is not a JID")
            : chat;
        PresenceData presence;
        if (node.Tag == "presence")
        {
            DateTimeOffset? lastSeen = node.TryGetInt64("last", out var last) ? DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(last, 0, 253402300799)) : null;
            int? count = int.TryParse(node.GetAttribute("count"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : null;
            presence = new PresenceData(node.GetAttribute("type") == "unavailable" ? "unavailable" : "available", lastSeen, count);
        }
        else
        {
            var state = node.Children.Count > 0 ? node.Children[0] : throw new EngineException("<chatstate> without a state");
            var kind = state.GetAttribute("media") == "audio" ? "recording" : state.Tag switch
            {
                "composing" => "composing",
                "paused" => "available",
                var other => throw new EngineException($"<chatstate> state <{other}> is unknown"),
            };
            presence = new PresenceData(kind);
        }
        return new PresenceUpdate(chat, new Dictionary<Jid, PresenceData> { [participant] = presence });
    }
}

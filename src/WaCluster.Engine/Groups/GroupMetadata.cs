using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Groups;

/// <summary>A group member as the server lists it: phone-number JID, LID when known, and admin rank if any.</summary>
public sealed record GroupParticipant(Jid Jid, Jid? Lid, string? Admin);

/// <summary>What Baileys calls GroupMetadata: id, subject, owner and members.</summary>
public sealed record GroupMetadata(Jid Id, string Subject, Jid? Owner, DateTimeOffset Creation, IReadOnlyList<GroupParticipant> Participants)
{
    /// <summary>Reads a &lt;group&gt; node (create answer, metadata answer, create notification).</summary>
    public static GroupMetadata Parse(BinaryNode group)
    {
        var id = group.GetAttribute("id") ?? throw new EngineException("<group> without id");
        var jid = Jid.TryParse(id.Contains('@', StringComparison.Ordinal) ? id : id + "@" + JidServer.Group, out var parsed) && parsed.IsGroup
            ? parsed
            : throw new EngineException($"<group> id '{id}' is not a group JID");
        var participants = group.GetChildren("participant")
            .Select(p => new GroupParticipant(p.GetJid("jid") ?? throw new EngineException("group participant without a JID"), p.GetJid("lid"), p.GetAttribute("type")))
            .ToArray();
        var creation = group.TryGetInt64("creation", out var t) ? DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(t, 0, 253402300799)) : DateTimeOffset.UnixEpoch;
        return new GroupMetadata(jid, group.GetAttribute("subject") ?? string.Empty, group.GetJid("creator"), creation, participants);
    }
}

using System.Globalization;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Groups;

/// <summary>A group member as the server lists it: phone-number JID, LID when known, and admin rank if any.</summary>
public sealed record GroupParticipant(Jid Jid, Jid? Lid, string? Admin);

/// <summary>
/// What Baileys calls GroupMetadata: id, subject, owner, members, description (with the id a later change names as
/// "prev"), whether only admins send (announce) or edit the info (restrict), and the disappearing-messages timer.
/// </summary>
public sealed record GroupMetadata(Jid Id, string Subject, Jid? Owner, DateTimeOffset Creation, IReadOnlyList<GroupParticipant> Participants,
    string? Description = null, string? DescriptionId = null, bool Announce = false, bool Restrict = false, int? EphemeralDuration = null)
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
        var description = group.GetChild("description");
        return new GroupMetadata(jid, group.GetAttribute("subject") ?? string.Empty, group.GetJid("creator"), creation, participants,
            description?.GetChild("body")?.ContentAsString, description?.GetAttribute("id"), group.GetChild("announcement") is not null,
            group.GetChild("locked") is not null, group.GetChild("ephemeral") is { } ephemeral ? Expiration(ephemeral) : null);
    }

    /// <summary>The timer of an &lt;ephemeral expiration&gt; node in seconds (0 when missing or not a number).</summary>
    internal static int Expiration(BinaryNode ephemeral) =>
        int.TryParse(ephemeral.GetAttribute("expiration"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;
}

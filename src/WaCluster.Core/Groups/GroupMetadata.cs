using System.Globalization;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Groups;

/// <summary>How a group names its members: by phone number (older groups) or by LID (new groups).</summary>
public enum GroupAddressingMode
{
    Pn,
    Lid,
}

/// <summary>
/// A group member as the server lists it: <see cref="Jid"/> in the group's addressing, the other form beside it when
/// the server gave it (<see cref="Lid"/> in a PN group, <see cref="PhoneNumber"/> in a LID group), and admin rank if any.
/// </summary>
public sealed record GroupParticipant(Jid Jid, Jid? Lid, string? Admin, Jid? PhoneNumber = null)
{
    /// <summary>The member's phone-number user and LID user, when both are known.</summary>
    public (Jid Pn, Jid Lid)? PnLidPair => Jid.IsLid ? PhoneNumber is { } pn ? (pn, Jid) : null : Lid is { } lid ? (Jid, lid) : null;
}

/// <summary>
/// What Baileys calls GroupMetadata: id, subject, owner, members, description (with the id a later change names as
/// "prev"), whether only admins send (announce) or edit the info (restrict), the disappearing-messages timer and the
/// addressing mode (a LID group names members, owner and senders by LID).
/// </summary>
public sealed record GroupMetadata(Jid Id, string Subject, Jid? Owner, DateTimeOffset Creation, IReadOnlyList<GroupParticipant> Participants,
    string? Description = null, string? DescriptionId = null, bool Announce = false, bool Restrict = false, int? EphemeralDuration = null,
    GroupAddressingMode AddressingMode = GroupAddressingMode.Pn)
{
    /// <summary>Reads a &lt;group&gt; node (create answer, metadata answer, create notification).</summary>
    /// <exception cref="EngineException">No group id, a member without a JID, or a member's other form not of its kind.</exception>
    public static GroupMetadata Parse(BinaryNode group)
    {
        var id = group.GetAttribute("id") ?? throw new EngineException("<group> without id");
        var jid = Jid.TryParse(id.Contains('@', StringComparison.Ordinal) ? id : id + "@" + JidServer.Group, out var parsed) && parsed.IsGroup
            ? parsed
            : throw new EngineException($"<group> id '{id}' is not a group JID");
        var addressing = group.GetAttribute("addressing_mode") == "lid" ? GroupAddressingMode.Lid : GroupAddressingMode.Pn;
        var participants = group.GetChildren("participant").Select(Participant).ToArray();
        var creation = group.TryGetInt64("creation", out var t) ? DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(t, 0, 253402300799)) : DateTimeOffset.UnixEpoch;
        var description = group.GetChild("description");
        return new GroupMetadata(jid, group.GetAttribute("subject") ?? string.Empty, group.GetJid("creator"), creation, participants,
            description?.GetChild("body")?.ContentAsString, description?.GetAttribute("id"), group.GetChild("announcement") is not null,
            group.GetChild("locked") is not null, group.GetChild("ephemeral") is { } ephemeral ? Expiration(ephemeral) : null, addressing);
    }

    /// <summary>
    /// A &lt;participant&gt; of a group node or a w:gp2 change: a LID member may carry its phone number, a phone-number
    /// member its LID; either, when present, must be a user of its kind.
    /// </summary>
    internal static GroupParticipant Participant(BinaryNode participant)
    {
        var jid = participant.GetJid("jid") ?? throw new EngineException("group participant without a JID");
        return new GroupParticipant(jid, jid.IsPnUser ? Beside(participant, "lid", j => j.IsLid) : null, participant.GetAttribute("type"),
            jid.IsLid ? Beside(participant, "phone_number", j => j.IsPnUser) : null);
    }

    /// <summary>The timer of an &lt;ephemeral expiration&gt; node in seconds (0 when missing or not a number).</summary>
    internal static int Expiration(BinaryNode ephemeral) =>
        int.TryParse(ephemeral.GetAttribute("expiration"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;

    private static Jid? Beside(BinaryNode participant, string attribute, Func<Jid, bool> ofKind)
    {
        if (participant.GetAttribute(attribute) is not { } value) return null;
        return Jid.TryParse(value, out var jid) && ofKind(jid) && jid.User.Length > 0 && !jid.IsAd
            ? jid
            : throw new EngineException($"group participant {participant.GetAttribute("jid")}: {attribute} '{value}' is not a user of its kind");
    }
}

using WaCluster.Core.Events;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Groups;

/// <summary>What a w:gp2 notification stands for: its group events and the PN-LID pairs of the users it names.</summary>
internal sealed record GroupNotification(IReadOnlyList<EngineEvent> Events, IReadOnlyList<(Jid Pn, Jid Lid)> PnLidPairs);

/// <summary>Turns a w:gp2 notification into the Baileys group events it stands for (none for kinds not handled).</summary>
internal static class GroupNotifications
{
    private static readonly string[] MemberActions = ["add", "remove", "promote", "demote", "leave"];

    /// <param name="notification">The w:gp2 notification.</param>
    /// <param name="isMe">Whether a user JID (either form) is our account: a create notification by someone else is our joining.</param>
    /// <exception cref="EngineException">Not from a group, a member without a JID, or a phone number or LID not of its kind.</exception>
    public static GroupNotification Parse(BinaryNode notification, Func<Jid, bool> isMe)
    {
        var group = notification.GetJid("from") is { IsGroup: true } from ? from : throw new EngineException("w:gp2 notification not from a group");
        var author = notification.GetJid("participant");
        var authorPn = AuthorPn(notification, author);
        var events = new List<EngineEvent>();
        var pairs = new List<(Jid Pn, Jid Lid)>();
        if (author is { } lidAuthor && authorPn is { } pn) pairs.Add((pn, lidAuthor.ToNonAd()));
        foreach (var change in notification.Children)
        {
            switch (change.Tag)
            {
                case "create" when change.GetChild("group") is { } created:
                    var metadata = GroupMetadata.Parse(created);
                    pairs.AddRange(metadata.Participants.Select(p => p.PnLidPair).OfType<(Jid, Jid)>());
                    events.Add(new GroupsUpsert([metadata]));
                    if (metadata.Participants.Any(p => isMe(p.Jid)) && !(author is { } by && isMe(by))) events.Add(new GroupJoined(metadata, author, authorPn));
                    break;
                case "subject":
                    events.Add(new GroupsUpdate(group, author, Subject: change.GetAttribute("subject") ?? string.Empty));
                    break;
                case "description":
                    events.Add(new GroupsUpdate(group, author, Description: change.GetChild("body")?.ContentAsString ?? string.Empty));
                    break;
                case "announcement" or "not_announcement":
                    events.Add(new GroupsUpdate(group, author, Announce: change.Tag == "announcement"));
                    break;
                case "locked" or "unlocked":
                    events.Add(new GroupsUpdate(group, author, Restrict: change.Tag == "locked"));
                    break;
                case "ephemeral":
                    events.Add(new GroupsUpdate(group, author, EphemeralDuration: GroupMetadata.Expiration(change)));
                    break;
                case "not_ephemeral":
                    events.Add(new GroupsUpdate(group, author, EphemeralDuration: 0));
                    break;
                case var tag when MemberActions.Contains(tag):
                    var members = change.GetChildren("participant").Select(GroupMetadata.Participant).ToArray();
                    pairs.AddRange(members.Select(p => p.PnLidPair).OfType<(Jid, Jid)>());
                    events.Add(new GroupParticipantsUpdate(group, author, members.Select(m => m.Jid).ToArray(), tag == "leave" ? "remove" : tag, members, authorPn));
                    break;
            }
        }
        return new GroupNotification(events, pairs);
    }

    // A LID group names the author by LID with its phone number in participant_pn.
    private static Jid? AuthorPn(BinaryNode notification, Jid? author)
    {
        if (notification.GetAttribute("participant_pn") is not { } value) return null;
        return Jid.TryParse(value, out var pn) && pn.IsPnUser && pn.User.Length > 0 && author is { IsLid: true }
            ? pn.ToNonAd()
            : throw new EngineException($"w:gp2 notification: participant_pn '{value}' is not the phone number of a LID author");
    }
}

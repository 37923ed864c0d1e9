using WaCluster.Core.Events;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Groups;

/// <summary>Turns a w:gp2 notification into the Baileys group events it stands for (none for kinds not handled).</summary>
internal static class GroupNotifications
{
    private static readonly string[] MemberActions = ["add", "remove", "promote", "demote", "leave"];

    public static IReadOnlyList<EngineEvent> Parse(BinaryNode notification)
    {
        var group = notification.GetJid("from") is { IsGroup: true } from ? from : throw new EngineException("w:gp2 notification not from a group");
        var author = notification.GetJid("participant");
        var events = new List<EngineEvent>();
        foreach (var change in notification.Children)
        {
            switch (change.Tag)
            {
                case "create" when change.GetChild("group") is { } created:
                    events.Add(new GroupsUpsert([GroupMetadata.Parse(created)]));
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
                    var participants = change.GetChildren("participant")
                        .Select(p => p.GetJid("jid") ?? throw new EngineException("w:gp2 participant without a JID")).ToArray();
                    events.Add(new GroupParticipantsUpdate(group, author, participants, tag == "leave" ? "remove" : tag));
                    break;
            }
        }
        return events;
    }
}

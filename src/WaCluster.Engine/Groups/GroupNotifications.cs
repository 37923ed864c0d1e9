using WaCluster.Engine.Events;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Groups;

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
            if (change.Tag == "create" && change.GetChild("group") is { } created)
            {
                events.Add(new GroupsUpsert([GroupMetadata.Parse(created)]));
            }
            else if (change.Tag == "subject")
            {
                events.Add(new GroupsUpdate(group, change.GetAttribute("subject"), author));
            }
            else if (MemberActions.Contains(change.Tag))
            {
                var participants = change.GetChildren("participant").Select(p => p.GetJid("jid") ?? throw new EngineException("w:gp2 participant without a JID"))
                    .ToArray();
                events.Add(new GroupParticipantsUpdate(group, author, participants, change.Tag == "leave" ? "remove" : change.Tag));
            }
        }
        return events;
    }
}

using System.Globalization;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.Connections;
using WaCluster.Simulator.Stanzas;

namespace WaCluster.Simulator.Groups;

/// <summary>
/// xmlns "w:g2": create, leave and list groups (to "@g.us"); read metadata, change members, ranks, subject,
/// description and settings (announcement, locked, ephemeral; admins only, and once locked subject and description
/// too) (to the group). Members are told of every change with a w:gp2 notification; an added member instead gets the
/// group's create notification with its full metadata. New groups take the addressing the simulator is set to.
/// </summary>
internal static class GroupIq
{
    private const int MaxParticipants = 1024;
    private static readonly string[] MemberActions = ["add", "remove", "promote", "demote"];

    public static void Handle(WaSimulator simulator, ChatConnection connection, SimDevice device, BinaryNode iq)
    {
        var to = iq.RequireJid("to");
        if (!to.IsGroup) throw new SimulatorException("w:g2 iq not addressed to a group");
        var requester = device.User;
        if (to.User.Length == 0)
        {
            if (iq.GetChild("create") is { } create) Create(simulator, connection, requester, iq, create);
            else if (iq.GetChild("leave") is { } leave) Leave(simulator, connection, requester, iq, leave);
            else if (iq.GetChild("participating") is not null)
            {
                var mine = simulator.Groups.Values.Where(g => g.IsMember(requester)).Select(GroupNodes.Metadata).ToArray();
                connection.Send(ServerNodes.IqResult(iq, new BinaryNode("groups", [], mine)));
            }
            else connection.Send(ServerNodes.IqError(iq, 501, "feature-not-implemented"));
            return;
        }
        if (!simulator.Groups.TryGetValue(to.User, out var group))
        {
            connection.Send(ServerNodes.IqError(iq, 404, "item-not-found"));
            return;
        }
        if (!group.IsMember(requester))
        {
            connection.Send(ServerNodes.IqError(iq, 403, "forbidden"));
            return;
        }
        if (iq["type"] == "get" && iq.GetChild("query") is not null)
        {
            connection.Send(ServerNodes.IqResult(iq, GroupNodes.Metadata(group)));
        }
        else if (iq["type"] == "set" && MemberActions.Select(iq.GetChild).FirstOrDefault(c => c is not null) is { } action)
        {
            ChangeMembers(simulator, connection, requester, group, iq, action);
        }
        else if (iq["type"] == "set" && iq.Children.Count > 0 && (group.Locked || IsSetting(iq.Children[0].Tag)) && !group.IsAdmin(requester))
        {
            // Settings are for admins; once locked, so are subject and description.
            connection.Send(ServerNodes.IqError(iq, 403, "forbidden"));
        }
        else if (iq["type"] == "set" && iq.Children.Count > 0 && IsSetting(iq.Children[0].Tag))
        {
            var setting = iq.Children[0];
            ApplySetting(group, setting);
            connection.Send(ServerNodes.IqResult(iq));
            GroupNodes.Notify(simulator, group, requester, group.Members.Select(m => m.User), setting.Tag == "ephemeral"
                ? new BinaryNode("ephemeral", [("expiration", group.EphemeralExpiration.ToString(CultureInfo.InvariantCulture))])
                : new BinaryNode(setting.Tag));
        }
        else if (iq["type"] == "set" && iq.GetChild("subject") is { } subject)
        {
            group.Subject = subject.ContentAsString ?? throw new SimulatorException("<subject> has no text");
            group.SubjectOwner = requester;
            group.SubjectTime = WaSimulator.Now;
            connection.Send(ServerNodes.IqResult(iq));
            GroupNodes.Notify(simulator, group, requester, group.Members.Select(m => m.User),
                new BinaryNode("subject", [("subject", group.Subject), ("s_o", group.MemberJid(requester)), ("s_t", ServerNodes.Timestamp(group.SubjectTime))]));
        }
        else if (iq["type"] == "set" && iq.GetChild("description") is { } description)
        {
            group.Description = description.GetChild("body")?.ContentAsString;
            group.DescriptionId = group.Description is null ? null : description["id"];
            connection.Send(ServerNodes.IqResult(iq));
            GroupNodes.Notify(simulator, group, requester, group.Members.Select(m => m.User), description);
        }
        else
        {
            connection.Send(ServerNodes.IqError(iq, 501, "feature-not-implemented"));
        }
    }

    private static bool IsSetting(string tag) => tag is "announcement" or "not_announcement" or "locked" or "unlocked" or "ephemeral" or "not_ephemeral";

    private static void ApplySetting(SimGroup group, BinaryNode setting)
    {
        switch (setting.Tag)
        {
            case "announcement" or "not_announcement": group.Announce = setting.Tag == "announcement"; break;
            case "locked" or "unlocked": group.Locked = setting.Tag == "locked"; break;
            case "not_ephemeral": group.EphemeralExpiration = 0; break;
            default:
                group.EphemeralExpiration = int.TryParse(setting["expiration"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                    ? seconds
                    : throw new SimulatorException("<ephemeral> needs a positive expiration");
                break;
        }
    }

    private static void Create(WaSimulator simulator, ChatConnection connection, SimUser creator, BinaryNode iq, BinaryNode create)
    {
        var subject = create.RequireAttribute("subject");
        var invited = Users(simulator, create).Where(u => u != creator).Distinct().ToList();
        string id;
        do
        {
            id = "120363" + simulator.Random.NextInt64(100_000_000_000, 1_000_000_000_000).ToString(CultureInfo.InvariantCulture);
        }
        while (simulator.Groups.ContainsKey(id));
        var group = new SimGroup(id, creator, subject, WaSimulator.Now, simulator.Options.DefaultGroupAddressing == GroupAddressing.Lid);
        group.Members.Add((creator, "superadmin"));
        foreach (var user in invited) group.Members.Add((user, null));
        simulator.Groups.Add(id, group);
        var metadata = GroupNodes.Metadata(group);
        connection.Send(ServerNodes.IqResult(iq, metadata));
        GroupNodes.Notify(simulator, group, creator, group.Members.Select(m => m.User), new BinaryNode("create", [], [metadata]));
    }

    private static void Leave(WaSimulator simulator, ChatConnection connection, SimUser requester, BinaryNode iq, BinaryNode leave)
    {
        var left = new List<BinaryNode>();
        foreach (var entry in leave.GetChildren("group"))
        {
            var groupId = entry.RequireAttribute("id");
            var key = groupId.Contains('@', StringComparison.Ordinal) ? Jid.Parse(groupId).User : groupId;
            if (!simulator.Groups.TryGetValue(key, out var group) || !group.IsMember(requester)) continue;
            var audience = group.Members.Select(m => m.User).ToList();
            group.Members.RemoveAll(m => m.User == requester);
            left.Add(new BinaryNode("group", [("id", group.Jid)]));
            GroupNodes.Notify(simulator, group, requester, audience, GroupNodes.Participants(group, "remove", [requester]));
        }
        connection.Send(ServerNodes.IqResult(iq, new BinaryNode("leave", [], left.ToArray())));
    }

    private static void ChangeMembers(WaSimulator simulator, ChatConnection connection, SimUser requester, SimGroup group, BinaryNode iq, BinaryNode action)
    {
        if (!group.IsAdmin(requester))
        {
            connection.Send(ServerNodes.IqError(iq, 403, "forbidden"));
            return;
        }
        var audience = group.Members.Select(m => m.User).ToList();
        var changed = new List<SimUser>();
        var answers = new List<BinaryNode>();
        foreach (var participant in action.GetChildren("participant").Take(MaxParticipants))
        {
            var jidText = participant.RequireAttribute("jid");
            var user = simulator.Directory.Find(participant.RequireJid("jid"));
            var error = Apply(group, action.Tag, user);
            answers.Add(new BinaryNode("participant", [("jid", jidText), ("error", error)]));
            if (error is null) changed.Add(user!);
        }
        connection.Send(ServerNodes.IqResult(iq, new BinaryNode(action.Tag, [], answers.ToArray())));
        if (changed.Count == 0) return;
        if (action.Tag == "add")
        {
            // WhatsApp tells an added user about the group itself: the create notification with the full metadata.
            GroupNodes.Notify(simulator, group, requester, changed, new BinaryNode("create", [], [GroupNodes.Metadata(group)]));
        }
        else
        {
            audience.AddRange(changed);
        }
        GroupNodes.Notify(simulator, group, requester, audience, GroupNodes.Participants(group, action.Tag, changed));
    }

    /// <summary>Applies one member change; returns the error code for the participant, or null when done.</summary>
    private static string? Apply(SimGroup group, string action, SimUser? user)
    {
        if (user is null) return "404";
        var member = group.IsMember(user);
        switch (action)
        {
            case "add" when member: return "409";
            case "add": group.Members.Add((user, null)); return null;
            case "remove" when !member: return "404";
            case "remove": group.Members.RemoveAll(m => m.User == user); return null;
            case "promote" when member: group.SetRank(user, "admin"); return null;
            case "demote" when member: group.SetRank(user, null); return null;
            default: return "404";
        }
    }

    private static IEnumerable<SimUser> Users(WaSimulator simulator, BinaryNode parent)
    {
        var participants = parent.GetChildren("participant").Take(MaxParticipants + 1).ToList();
        if (participants.Count > MaxParticipants) throw new SimulatorException($"more than {MaxParticipants} participants");
        foreach (var participant in participants)
        {
            yield return simulator.Directory.Find(participant.RequireJid("jid"))
                ?? throw new SimulatorException($"{participant["jid"]} is not on WhatsApp");
        }
    }
}

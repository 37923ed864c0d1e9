using System.Globalization;
using System.Text;
using WaCluster.Protocol.Binary;
using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.Stanzas;

namespace WaCluster.Simulator.Groups;

/// <summary>
/// The &lt;group&gt; metadata node and the w:gp2 notifications members receive. A PN group names members by phone
/// number with lid beside it; a LID group by LID with phone_number (participants) or *_pn (actors, owners) beside it.
/// </summary>
internal static class GroupNodes
{
    public static BinaryNode Metadata(SimGroup group)
    {
        var children = new List<BinaryNode>();
        foreach (var (user, rank) in group.Members)
        {
            children.Add(new BinaryNode("participant", [.. Member(group, user), ("type", rank)]));
        }
        if (group.Description is { } description)
        {
            children.Add(new BinaryNode("description", [("id", group.DescriptionId)], [new BinaryNode("body", [], Encoding.UTF8.GetBytes(description))]));
        }
        if (group.Announce) children.Add(new BinaryNode("announcement"));
        if (group.Locked) children.Add(new BinaryNode("locked"));
        if (group.EphemeralExpiration > 0)
        {
            children.Add(new BinaryNode("ephemeral", [("expiration", group.EphemeralExpiration.ToString(CultureInfo.InvariantCulture))]));
        }
        return new BinaryNode("group",
        [
            ("id", group.Id),
            ("subject", group.Subject),
            ("s_o", group.MemberJid(group.SubjectOwner)),
            ("s_o_pn", group.LidAddressed ? group.SubjectOwner.PnJid : default),
            ("s_t", ServerNodes.Timestamp(group.SubjectTime)),
            ("creation", ServerNodes.Timestamp(group.Creation)),
            ("creator", group.MemberJid(group.Creator)),
            ("creator_pn", group.LidAddressed ? group.Creator.PnJid : default),
            ("size", group.Members.Count.ToString(CultureInfo.InvariantCulture)),
            ("addressing_mode", group.LidAddressed ? "lid" : "pn"),
        ], children.ToArray());
    }

    public static BinaryNode Participants(SimGroup group, string action, IEnumerable<SimUser> users) =>
        new(action, [], users.Select(u => new BinaryNode("participant", Member(group, u))).ToArray());

    /// <summary>The jid of a member in the group's addressing, and the other namespace beside it.</summary>
    private static NodeAttribute[] Member(SimGroup group, SimUser user) =>
        [("jid", group.MemberJid(user)), (group.LidAddressed ? "phone_number" : "lid", group.AlternateJid(user))];

    /// <summary>Queues a w:gp2 notification about <paramref name="group"/> for every companion of <paramref name="audience"/>.</summary>
    public static void Notify(WaSimulator simulator, SimGroup group, SimUser actor, IEnumerable<SimUser> audience, BinaryNode change)
    {
        foreach (var user in audience.Distinct())
        {
            foreach (var device in user.Companions.Values)
            {
                var id = simulator.NewStanzaId();
                device.Deliver(new PendingStanza(id, "notification", new BinaryNode("notification",
                    [("from", group.Jid), ("type", "w:gp2"), ("id", id), ("participant", group.MemberJid(actor)),
                        ("participant_pn", group.LidAddressed ? actor.PnJid : default), ("t", ServerNodes.Timestamp(WaSimulator.Now))],
                    [change])));
            }
        }
    }
}

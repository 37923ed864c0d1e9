using System.Globalization;
using System.Text;
using WaCluster.Protocol.Binary;
using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.Stanzas;

namespace WaCluster.Simulator.Groups;

/// <summary>The &lt;group&gt; metadata node and the w:gp2 notifications members receive.</summary>
internal static class GroupNodes
{
    public static BinaryNode Metadata(SimGroup group)
    {
        var children = new List<BinaryNode>();
        foreach (var (user, rank) in group.Members)
        {
            children.Add(new BinaryNode("participant", [("jid", user.PnJid), ("lid", user.LidJid), ("type", rank)]));
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
            ("s_o", group.SubjectOwner.PnJid),
            ("s_t", ServerNodes.Timestamp(group.SubjectTime)),
            ("creation", ServerNodes.Timestamp(group.Creation)),
            ("creator", group.Creator.PnJid),
            ("size", group.Members.Count.ToString(CultureInfo.InvariantCulture)),
            ("addressing_mode", "pn"),
        ], children.ToArray());
    }

    public static BinaryNode Participants(string action, IEnumerable<SimUser> users) =>
        new(action, [], users.Select(u => new BinaryNode("participant", [("jid", u.PnJid), ("lid", u.LidJid)])).ToArray());

    /// <summary>Queues a w:gp2 notification about <paramref name="group"/> for every companion of <paramref name="audience"/>.</summary>
    public static void Notify(WaSimulator simulator, SimGroup group, SimUser actor, IEnumerable<SimUser> audience, BinaryNode change)
    {
        foreach (var user in audience.Distinct())
        {
            foreach (var device in user.Companions.Values)
            {
                var id = simulator.NewStanzaId();
                device.Deliver(new PendingStanza(id, "notification", new BinaryNode("notification",
                    [("from", group.Jid), ("type", "w:gp2"), ("id", id), ("participant", actor.PnJid), ("t", ServerNodes.Timestamp(WaSimulator.Now))],
                    [change])));
            }
        }
    }
}

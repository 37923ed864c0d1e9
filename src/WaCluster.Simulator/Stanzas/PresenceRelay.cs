using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Simulator.Accounts;

namespace WaCluster.Simulator.Stanzas;

/// <summary>
/// Presence (available/unavailable, subscriptions) and chat states (composing, paused) to a user or a group, pushed live only: neither is
/// queued for offline devices, as on WhatsApp.
/// </summary>
internal static class PresenceRelay
{
    public static void OnPresence(WaSimulator simulator, SimDevice sender, BinaryNode presence)
    {
        var type = presence["type"];
        if (presence["name"] is { Length: > 0 } name) sender.User.PushName = name;
        if (type == "subscribe")
        {
            var target = simulator.Directory.Find(presence.RequireJid("to"));
            if (target is null) return;
            target.PresenceSubscribers.Add(sender);
            sender.Connection?.Send(PresenceOf(target, presence.RequireJid("to").IsLid || target.AddressedByLid));
            return;
        }
        if (type is not ("available" or "unavailable")) return;
        sender.User.Presence = type;
        sender.User.LastSeen = WaSimulator.Now;
        foreach (var subscriber in sender.User.PresenceSubscribers)
        {
            subscriber.Connection?.Send(PresenceOf(sender.User, lid: sender.User.AddressedByLid));
        }
    }

    public static void OnChatState(WaSimulator simulator, SimDevice sender, BinaryNode chatState)
    {
        var to = chatState.RequireJid("to");
        if (to.IsGroup)
        {
            RelayToGroup(simulator, sender, chatState, to);
            return;
        }
        var target = simulator.Directory.Find(to);
        if (target is null || chatState.ContentKind != NodeContentKind.Children) return;
        var relayed = new BinaryNode("chatstate", [("from", to.IsLid || sender.User.AddressedByLid ? sender.User.LidJid : sender.User.PnJid)], chatState.Children.AsSpan());
        foreach (var device in target.Companions.Values)
        {
            if (device != sender) device.Connection?.Send(relayed);
        }
    }

    // In a group the state comes from the group, naming the member who types; only members may send one.
    private static void RelayToGroup(WaSimulator simulator, SimDevice sender, BinaryNode chatState, Jid group)
    {
        if (!simulator.Groups.TryGetValue(group.User, out var target) || !target.IsMember(sender.User)) return;
        if (chatState.ContentKind != NodeContentKind.Children) return;
        var relayed = new BinaryNode("chatstate", [("from", group), ("participant", target.MemberJid(sender.User))], chatState.Children.AsSpan());
        foreach (var (member, _) in target.Members)
        {
            foreach (var device in member.Companions.Values)
            {
                if (device != sender) device.Connection?.Send(relayed);
            }
        }
    }

    private static BinaryNode PresenceOf(SimUser user, bool lid) => new("presence",
    [
        ("from", lid ? user.LidJid : user.PnJid),
        ("type", user.Presence == "available" ? null : "unavailable"),
        ("last", user.Presence == "available" ? null : ServerNodes.Timestamp(user.LastSeen)),
    ]);
}

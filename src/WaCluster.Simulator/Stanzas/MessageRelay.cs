using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Simulator.Accounts;

namespace WaCluster.Simulator.Stanzas;

/// <summary>
/// 1:1 message fan-out. The sender encrypted one &lt;enc&gt; per recipient device (&lt;participants&gt;&lt;to jid&gt;), or
/// sent a single direct &lt;enc&gt; to one device (retry resend). Each device gets its own stanza from the sender's
/// device JID, in the namespace (PN or LID) the sender addressed, with the other namespace as sender_lid/sender_pn;
/// copies to the sender's own devices carry the chat as recipient. The sender gets a server ack with the time.
/// </summary>
internal static class MessageRelay
{
    // Attributes of the sender's stanza that recipients see unchanged.
    private static readonly string[] ForwardedAttributes = ["type", "edit", "category", "mediatype", "push_priority"];

    public static void Relay(WaSimulator simulator, SimDevice sender, BinaryNode message)
    {
        var id = message.RequireAttribute("id");
        var to = message.RequireJid("to");
        var now = WaSimulator.Now;
        if (to.IsGroup)
        {
            RelayToGroup(simulator, sender, message, to, id, now);
            return;
        }
        if (!(to.IsPnUser || to.IsLid) || simulator.Directory.Find(to) is null)
        {
            // Groups, broadcasts and newsletters come in a later slice; unknown users cannot be reached.
            sender.Ack(new BinaryNode("ack", [("class", "message"), ("id", id), ("from", to), ("error", "404"), ("t", ServerNodes.Timestamp(now))]));
            return;
        }
        var deviceIdentity = message.GetChild("device-identity");
        foreach (var (target, encrypted) in Targets(message, to, includeDirect: true))
        {
            var user = simulator.Directory.Find(target);
            if (user is null) continue;
            var content = new List<BinaryNode>(encrypted);
            if (deviceIdentity is not null && encrypted.Any(e => e["type"] == "pkmsg")) content.Add(deviceIdentity);
            var stanza = new BinaryNode("message", Attributes(sender, message, to, target, user == sender.User, id, now), content.ToArray());
            if (target.Device == 0)
            {
                user.Phone.ReceivedStanzas++;
                user.Inbox?.Enqueue(sender, stanza);
                continue;
            }
            if (!user.Companions.TryGetValue(target.Device, out var device) || device == sender) continue;
            device.Deliver(new PendingStanza(id, "message", stanza));
        }
        sender.Ack(ServerNodes.Ack("message", id, to.ToString(), t: now));
    }

    /// <summary>
    /// Group fan-out: every member device but the sender's gets the sender-key ciphertext, plus the pairwise message
    /// (sender key distribution) the sender encrypted for that device, from the group with the sender as participant;
    /// a stanza with a participant (a retry resend) goes to that member device only.
    /// </summary>
    private static void RelayToGroup(WaSimulator simulator, SimDevice sender, BinaryNode message, Jid to, string id, long now)
    {
        if (!simulator.Groups.TryGetValue(to.User, out var group) || !group.IsMember(sender.User))
        {
            sender.Ack(new BinaryNode("ack", [("class", "message"), ("id", id), ("from", to), ("error", "403"), ("t", ServerNodes.Timestamp(now))]));
            return;
        }
        if (group.Announce && !group.IsAdmin(sender.User))
        {
            sender.Ack(new BinaryNode("ack", [("class", "message"), ("id", id), ("from", to), ("error", "403"), ("t", ServerNodes.Timestamp(now))]));
            return;
        }
        var pairwise = new Dictionary<SimDevice, BinaryNode[]>();
        foreach (var (target, encrypted) in Targets(message, to, includeDirect: false))
        {
            if (simulator.FindDevice(target) is { } device) pairwise[device] = encrypted;
        }
        var shared = message.GetChildren("enc").ToArray();
        var deviceIdentity = message.GetChild("device-identity");
        var attributes = new List<NodeAttribute>
        {
            ("from", to), ("participant", sender.PnJid), ("participant_lid", sender.LidJid), ("id", id), ("t", ServerNodes.Timestamp(now)),
        };
        foreach (var name in ForwardedAttributes) attributes.Add((name, message[name]));
        attributes.Add(("addressing_mode", "pn"));
        attributes.Add(("notify", sender.User.PushName));
        var stanzaAttributes = attributes.ToArray();
        // A resend answering a retry receipt names the one device it is for.
        var single = message.GetJid("participant");
        var toOne = single is not null;
        var only = single is { } named ? simulator.FindDevice(named) : null;
        foreach (var (member, _) in group.Members)
        {
            if (!toOne) member.Phone.ReceivedStanzas++;
            foreach (var device in member.Companions.Values)
            {
                if (device == sender || (toOne && device != only)) continue;
                var content = new List<BinaryNode>();
                if (pairwise.TryGetValue(device, out var own))
                {
                    content.AddRange(own);
                    if (deviceIdentity is not null && own.Any(e => e["type"] == "pkmsg")) content.Add(deviceIdentity);
                }
                content.AddRange(shared);
                device.Deliver(new PendingStanza(id, "message", new BinaryNode("message", stanzaAttributes, content.ToArray())));
            }
        }
        sender.Ack(ServerNodes.Ack("message", id, to.ToString(), t: now));
    }

    private static IEnumerable<(Jid Target, BinaryNode[] Encrypted)> Targets(BinaryNode message, Jid to, bool includeDirect)
    {
        if (message.GetChild("participants") is { } participants)
        {
            foreach (var participant in participants.GetChildren("to"))
            {
                yield return (participant.RequireJid("jid"), participant.GetChildren("enc").ToArray());
            }
        }
        if (!includeDirect) yield break;
        var direct = message.GetChildren("enc").ToArray();
        if (direct.Length > 0) yield return (to, direct);
    }

    private static NodeAttribute[] Attributes(SimDevice sender, BinaryNode message, Jid to, Jid target, bool ownDevice, string id, long now)
    {
        var attributes = new List<NodeAttribute>
        {
            ("from", sender.User.DeviceJid(sender.Id, target.IsLid)),
            ("id", id),
            ("t", ServerNodes.Timestamp(now)),
        };
        foreach (var name in ForwardedAttributes) attributes.Add((name, message[name]));
        // A resend to one of the sender's own devices names the chat itself.
        if (ownDevice) attributes.Add(("recipient", message["recipient"] ?? to.ToString()));
        else if (target.IsLid) attributes.Add(("sender_pn", sender.User.DeviceJid(sender.Id, lid: false)));
        else attributes.Add(("sender_lid", sender.User.DeviceJid(sender.Id, lid: true)));
        attributes.Add(("notify", sender.User.PushName));
        return attributes.ToArray();
    }
}

using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Simulator.Accounts;

namespace WaCluster.Simulator.Stanzas;

/// <summary>
/// 1:1, group and status message fan-out. The sender encrypted one &lt;enc&gt; per recipient device
/// (&lt;participants&gt;&lt;to jid&gt;), or sent a single direct &lt;enc&gt; to one device (retry resend). Each device gets
/// its own stanza from the sender's device JID, by LID (with sender_pn) when the sender addressed a LID or is seen by
/// LID, else by phone number (with sender_lid); copies to the sender's own devices carry the chat as recipient. The
/// sender gets a server ack with the time, or an error ack.
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
        if (to.IsStatusBroadcast)
        {
            RelayStatus(simulator, sender, message, to, id, now);
            return;
        }
        if (!(to.IsPnUser || to.IsLid) || simulator.Directory.Find(to) is not { } recipient)
        {
            // Other broadcasts and newsletters come in a later slice; unknown users cannot be reached.
            sender.Ack(ErrorAck(id, to, 404, now));
            return;
        }
        if (PrivacyTokenIq.RefusalFor(simulator, sender.User, recipient, message) is { } refusal)
        {
            sender.Ack(ErrorAck(id, to, refusal, now));
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
    /// (sender key distribution) the sender encrypted for that device, from the group with the sender as participant
    /// in the group's addressing (LID with participant_pn, or PN with participant_lid).
    /// </summary>
    private static void RelayToGroup(WaSimulator simulator, SimDevice sender, BinaryNode message, Jid to, string id, long now)
    {
        if (!simulator.Groups.TryGetValue(to.User, out var group) || !group.IsMember(sender.User)
            || (group.Announce && !group.IsAdmin(sender.User)))
        {
            sender.Ack(ErrorAck(id, to, 403, now));
            return;
        }
        var audience = group.Members.SelectMany(m => m.User.Companions.Values).ToList();
        if (message.GetJid("participant") is null)
        {
            foreach (var (member, _) in group.Members) member.Phone.ReceivedStanzas++;
        }
        FanOut(simulator, sender, message, to, id, group.LidAddressed, audience, now);
        sender.Ack(ServerNodes.Ack("message", id, to.ToString(), t: now));
    }

    /// <summary>
    /// A status (to status@broadcast) goes to the devices the sender encrypted its sender key for, and only to them:
    /// the sender's recipient list. Each gets it from status@broadcast with the author as participant.
    /// </summary>
    private static void RelayStatus(WaSimulator simulator, SimDevice sender, BinaryNode message, Jid to, string id, long now)
    {
        var listed = Targets(message, to, includeDirect: false).Select(t => simulator.FindDevice(t.Target)).OfType<SimDevice>().Distinct().ToList();
        if (message.GetJid("participant") is { } single && simulator.FindDevice(single) is { } resendTarget) listed.Add(resendTarget);
        if (listed.Count == 0)
        {
            sender.Ack(ErrorAck(id, to, 400, now)); // a status with no (known) recipient reaches nobody
            return;
        }
        FanOut(simulator, sender, message, to, id, sender.User.AddressedByLid, listed, now);
        sender.Ack(ServerNodes.Ack("message", id, to.ToString(), t: now));
    }

    /// <summary>
    /// Delivers a sender-key message to <paramref name="audience"/>: the shared skmsg plus each device's own pairwise
    /// part; a stanza naming a participant (a resend answering a retry receipt) goes to that device only.
    /// </summary>
    private static void FanOut(WaSimulator simulator, SimDevice sender, BinaryNode message, Jid chat, string id, bool byLid, IReadOnlyCollection<SimDevice> audience, long now)
    {
        var pairwise = new Dictionary<SimDevice, BinaryNode[]>();
        foreach (var (target, encrypted) in Targets(message, chat, includeDirect: false))
        {
            if (simulator.FindDevice(target) is { } device) pairwise[device] = encrypted;
        }
        var shared = message.GetChildren("enc").ToArray();
        var deviceIdentity = message.GetChild("device-identity");
        var attributes = new List<NodeAttribute>
        {
            ("from", chat),
            ("participant", sender.User.DeviceJid(sender.Id, byLid)),
            (byLid ? "participant_pn" : "participant_lid", sender.User.DeviceJid(sender.Id, !byLid)),
            ("id", id),
            ("t", ServerNodes.Timestamp(now)),
        };
        foreach (var name in ForwardedAttributes) attributes.Add((name, message[name]));
        if (chat.IsGroup) attributes.Add(("addressing_mode", byLid ? "lid" : "pn"));
        attributes.Add(("notify", sender.User.PushName));
        var stanzaAttributes = attributes.ToArray();
        var single = message.GetJid("participant");
        var only = single is { } named ? simulator.FindDevice(named) : null;
        foreach (var device in audience)
        {
            if (device == sender || (single is not null && device != only)) continue;
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

    private static BinaryNode ErrorAck(string id, Jid to, int code, long now) =>
        new("ack", [("class", "message"), ("id", id), ("from", to), ("error", code.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("t", ServerNodes.Timestamp(now))]);

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
        // The sender's own devices see the chat as the sender addressed it; peers see a LID-addressed sender by LID.
        var byLid = target.IsLid || (!ownDevice && sender.User.AddressedByLid);
        var attributes = new List<NodeAttribute>
        {
            ("from", sender.User.DeviceJid(sender.Id, byLid)),
            ("id", id),
            ("t", ServerNodes.Timestamp(now)),
        };
        foreach (var name in ForwardedAttributes) attributes.Add((name, message[name]));
        if (ownDevice)
        {
            // A resend to one of the sender's own devices names the chat itself.
            attributes.Add(("recipient", message["recipient"] ?? to.ToString()));
            if (byLid) attributes.Add(("peer_recipient_pn", sender.User.DeviceJid(sender.Id, lid: false)));
        }
        else if (byLid) attributes.Add(("sender_pn", sender.User.DeviceJid(sender.Id, lid: false)));
        else attributes.Add(("sender_lid", sender.User.DeviceJid(sender.Id, lid: true)));
        attributes.Add(("notify", sender.User.PushName));
        return attributes.ToArray();
    }
}

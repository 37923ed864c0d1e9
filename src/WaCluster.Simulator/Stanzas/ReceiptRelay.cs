using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Simulator.Accounts;

namespace WaCluster.Simulator.Stanzas;

/// <summary>
/// Delivery, read and retry receipts: relayed from the receipting device's JID to the addressed device, or to every
/// companion of the addressed user; the receipting device gets a server ack and its copies of the messages are settled.
/// </summary>
internal static class ReceiptRelay
{
    public static void Relay(WaSimulator simulator, SimDevice sender, BinaryNode receipt)
    {
        var id = receipt.RequireAttribute("id");
        // Baileys leaves out "to" on the "sender" receipt for a copy our own other device sent in a PN chat: it is for
        // that account's own devices.
        var to = receipt["to"] is null && receipt["type"] == "sender" ? sender.User.PnJid : receipt.RequireJid("to");
        // A client receipts a message instead of acking it: the receipt settles the message in its queue.
        sender.Pending.Acknowledge(id, "message");
        foreach (var item in receipt.GetChild("list")?.GetChildren("item") ?? [])
        {
            if (item["id"] is { } listed) sender.Pending.Acknowledge(listed, "message");
        }
        if (to.IsGroup)
        {
            RelayGroupReceipt(simulator, sender, receipt, to, id);
            return;
        }
        var user = simulator.Directory.Find(to);
        if (user is not null)
        {
            // As for messages: a receipter seen by LID receipts from its LID.
            var byLid = to.IsLid || (user != sender.User && sender.User.AddressedByLid);
            var attributes = new List<NodeAttribute> { ("from", sender.User.DeviceJid(sender.Id, byLid)) };
            foreach (var attribute in receipt.Attributes)
            {
                if (attribute.Key is not ("to" or "from")) attributes.Add(attribute);
            }
            if (receipt["t"] is null) attributes.Add(("t", ServerNodes.Timestamp(WaSimulator.Now)));
            var relayed = receipt.ContentKind == NodeContentKind.Children
                ? new BinaryNode("receipt", attributes.ToArray(), receipt.Children.AsSpan())
                : new BinaryNode("receipt", attributes.ToArray());
            // Receipts for the phone's peer messages (app state key shares, history sync) are for the phone alone.
            var forPhone = user == sender.User && receipt["type"] is "peer_msg" or "hist_sync";
            var targets = to.Device != 0
                ? user.Companions.TryGetValue(to.Device, out var one) ? [one] : []
                : forPhone ? [] : user.Companions.Values.ToArray();
            if (forPhone && receipt["type"] == "hist_sync") user.Phone.HistorySyncReceipts.Add(id);
            foreach (var device in targets)
            {
                if (device != sender) device.Deliver(new PendingStanza(id, "receipt", relayed));
            }
            if (to.Device == 0) user.Phone.ReceivedStanzas++;
        }
        sender.Ack(ServerNodes.Ack("receipt", id, to.ToString(), type: receipt["type"]));
    }

    /// <summary>A receipt for a group message goes to the author's device, from the group with the reader as participant.</summary>
    private static void RelayGroupReceipt(WaSimulator simulator, SimDevice sender, BinaryNode receipt, Jid group, string id)
    {
        var author = receipt.RequireJid("participant");
        var lidGroup = simulator.Groups.TryGetValue(group.User, out var known) && known.LidAddressed;
        var attributes = new List<NodeAttribute> { ("from", group), ("participant", sender.User.DeviceJid(sender.Id, lidGroup)) };
        foreach (var attribute in receipt.Attributes)
        {
            if (attribute.Key is not ("to" or "from" or "participant")) attributes.Add(attribute);
        }
        if (receipt["t"] is null) attributes.Add(("t", ServerNodes.Timestamp(WaSimulator.Now)));
        var relayed = receipt.ContentKind == NodeContentKind.Children
            ? new BinaryNode("receipt", attributes.ToArray(), receipt.Children.AsSpan())
            : new BinaryNode("receipt", attributes.ToArray());
        if (simulator.FindDevice(author) is { } device && device != sender) device.Deliver(new PendingStanza(id, "receipt", relayed));
        sender.Ack(ServerNodes.Ack("receipt", id, group.ToString(), type: receipt["type"], participant: author.ToString()));
    }
}

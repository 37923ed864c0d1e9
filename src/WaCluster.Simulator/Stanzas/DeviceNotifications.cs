using System.Globalization;
using WaCluster.Protocol.Binary;
using WaCluster.Simulator.Accounts;

namespace WaCluster.Simulator.Stanzas;

/// <summary>
/// A user linked or unlinked a device: every still linked device that asked for that user's device list gets a
/// "devices" notification (add or remove, naming the device), so it stops relying on the list it has.
/// </summary>
internal static class DeviceNotifications
{
    public static void Notify(WaSimulator simulator, SimDevice changed, string action)
    {
        var user = changed.User;
        user.DeviceListWatchers.Remove(changed);
        user.DeviceListWatchers.RemoveWhere(w => !w.User.Companions.TryGetValue(w.Id, out var linked) || linked != w);
        foreach (var watcher in user.DeviceListWatchers)
        {
            var id = simulator.NewStanzaId();
            watcher.Deliver(new PendingStanza(id, "notification", new BinaryNode("notification",
                [("from", user.PnJid), ("type", "devices"), ("id", id), ("t", ServerNodes.Timestamp(WaSimulator.Now))],
                [
                    new BinaryNode(action, [],
                        [new BinaryNode("device", [("jid", changed.PnJid), ("key-index", changed.KeyIndex.ToString(CultureInfo.InvariantCulture))])]),
                ])));
        }
    }
}

using System.Globalization;
using WaCluster.Protocol.Binary;
using WaCluster.Simulator.Accounts;

namespace WaCluster.Simulator.Stanzas;

/// <summary>
/// A user linked or unlinked a device: every still linked device that asked for that user's device list gets a
/// "devices" notification (add or remove, naming the device) from the user's PN or LID, as the watcher asked for the
/// list, so it stops relying on the list it has.
/// </summary>
internal static class DeviceNotifications
{
    public static void Notify(WaSimulator simulator, SimDevice changed, string action)
    {
        var user = changed.User;
        user.DeviceListWatchers.Remove(changed);
        foreach (var gone in user.DeviceListWatchers.Keys.Where(w => !w.User.Companions.TryGetValue(w.Id, out var linked) || linked != w).ToList())
        {
            user.DeviceListWatchers.Remove(gone);
        }
        foreach (var (watcher, byLid) in user.DeviceListWatchers)
        {
            var id = simulator.NewStanzaId();
            watcher.Deliver(new PendingStanza(id, "notification", new BinaryNode("notification",
                [("from", byLid ? user.LidJid : user.PnJid), ("type", "devices"), ("id", id), ("t", ServerNodes.Timestamp(WaSimulator.Now))],
                [
                    new BinaryNode(action, [],
                        [new BinaryNode("device", [("jid", user.DeviceJid(changed.Id, byLid)), ("key-index", changed.KeyIndex.ToString(CultureInfo.InvariantCulture))])]),
                ])));
        }
    }
}

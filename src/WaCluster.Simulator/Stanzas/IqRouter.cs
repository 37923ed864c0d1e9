using WaCluster.Protocol.Binary;
using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.Connections;
using WaCluster.Simulator.Groups;

namespace WaCluster.Simulator.Stanzas;

/// <summary>Answers a logged-in client's iq by namespace; unsupported ones get an error iq, never silence.</summary>
internal static class IqRouter
{
    public static void Route(WaSimulator simulator, ChatConnection connection, SimDevice device, BinaryNode iq)
    {
        iq.RequireAttribute("id");
        switch (iq["xmlns"])
        {
            case "passive":
                OnPassive(connection, device, iq);
                break;
            case "encrypt":
                PreKeyIq.Handle(simulator, connection, device, iq);
                break;
            case "w:g2":
                GroupIq.Handle(simulator, connection, device, iq);
                break;
            case "usync":
                connection.Send(UsyncIq.Answer(simulator, device, iq));
                break;
            case "abt" when iq.GetChild("props") is not null:
                connection.Send(ServerNodes.IqResult(iq, new BinaryNode("props", [("protocol", "1"), ("hash", "sim")], ReadOnlySpan<BinaryNode>.Empty)));
                break;
            case "privacy" when iq["type"] == "get" && iq.GetChild("privacy") is not null:
                connection.Send(ServerNodes.IqResult(iq, PrivacySettings()));
                break;
            case "privacy" when iq["type"] == "set" && iq.GetChild("tokens") is { } tokens:
                PrivacyTokenIq.Issue(simulator, connection, device, iq, tokens);
                break;
            case "blocklist" when iq["type"] == "get":
                connection.Send(ServerNodes.IqResult(iq, new BinaryNode("list", [], ReadOnlySpan<BinaryNode>.Empty)));
                break;
            case "w:m" when iq.GetChild("media_conn") is not null && simulator.MediaHostName is { } mediaHost:
                connection.Send(ServerNodes.IqResult(iq, new BinaryNode("media_conn",
                    [("auth", simulator.Media.AuthToken), ("ttl", "3600"), ("auth_ttl", "3600"), ("max_buckets", "1")],
                    [new BinaryNode("host", [("hostname", mediaHost), ("maxContentLengthBytes", simulator.Options.MaxMediaSize.ToString(System.Globalization.CultureInfo.InvariantCulture))])])));
                break;
            case "w:sync:app:state":
                AppState.AppStateIq.Handle(simulator, connection, device, iq);
                break;
            case "w:stats":
                connection.Send(ServerNodes.IqResult(iq));
                break;
            case "md" when iq.GetChild("remove-companion-device") is { } removal:
                RemoveCompanion(simulator, connection, device, iq, removal);
                break;
            default:
                connection.Send(ServerNodes.IqError(iq, 501, "feature-not-implemented"));
                break;
        }
    }

    /// <summary>passive/active: an active client gets its offline stanzas, then the offline marker, then live pushes.</summary>
    private static void OnPassive(ChatConnection connection, SimDevice device, BinaryNode iq)
    {
        connection.Send(ServerNodes.IqResult(iq));
        if (iq.GetChild("active") is null)
        {
            connection.IsActive = false;
            return;
        }
        if (connection.IsActive) return;
        connection.IsActive = true;
        foreach (var stanza in device.Pending.Items) connection.Send(stanza.Node);
        if (device.Faults.WithholdOfflineMarker) return;
        connection.Send(new BinaryNode("ib", [("from", ServerNodes.Server)],
            [new BinaryNode("offline", [("count", device.Pending.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))])]));
    }

    private static BinaryNode PrivacySettings() => new("privacy", [],
    [
        Category("readreceipts", "all"), Category("last", "all"), Category("online", "all"),
        Category("profile", "all"), Category("status", "all"), Category("groupadd", "all"), Category("calladd", "all"),
    ]);

    private static BinaryNode Category(string name, string value) => new("category", [("name", name), ("value", value)]);

    /// <summary>Unlinks a companion of the requester's account; its connection, if another one, is logged out.</summary>
    private static void RemoveCompanion(WaSimulator simulator, ChatConnection connection, SimDevice requester, BinaryNode iq, BinaryNode removal)
    {
        var target = simulator.FindDevice(removal.RequireJid("jid"));
        if (target is null || target.User != requester.User)
        {
            connection.Send(ServerNodes.IqError(iq, 404, "item-not-found"));
            return;
        }
        target.User.Companions.Remove(target.Id);
        connection.Send(ServerNodes.IqResult(iq));
        DeviceNotifications.Notify(simulator, target, "remove");
        if (target.Connection is { } removed)
        {
            target.Connection = null;
            removed.Device = null;
            removed.SendAndClose(ServerNodes.StreamError(401));
        }
    }
}

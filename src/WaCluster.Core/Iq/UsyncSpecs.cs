using System.Globalization;
using WaCluster.Core.Usync;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Iq;

/// <summary>
/// The device lists (usync context "message", with LIDs) of <paramref name="users"/> for message fan-out. Users or
/// devices the answer does not list readably are left out, as Baileys does.
/// </summary>
public sealed class UsyncDevicesSpec(string sid, IEnumerable<Jid> users) : IIqSpec<IReadOnlyList<UserDevices>>
{
    public BinaryNode Build(string id) =>
        UsyncFrame.Query(id, sid, "message", [new BinaryNode("devices", [("version", "2")]), new BinaryNode("lid")],
            // An empty child list, not no content: the node Baileys sends (its protocols add nothing per user here).
            users.Select(u => new BinaryNode("user", [("jid", u.ToNonAd().ToString())], ReadOnlySpan<BinaryNode>.Empty)));

    public IReadOnlyList<UserDevices> Parse(BinaryNode response)
    {
        var results = new List<UserDevices>();
        foreach (var user in UsyncFrame.ListedUsers(response))
        {
            if (user.Node.GetChild("devices")?.GetChild("device-list") is not { } list) continue;
            var devices = new List<UserDevice>();
            foreach (var device in list.GetChildren("device"))
            {
                if (!ushort.TryParse(device.GetAttribute("id"), NumberStyles.None, CultureInfo.InvariantCulture, out var deviceId)) continue;
                uint.TryParse(device.GetAttribute("key-index"), NumberStyles.None, CultureInfo.InvariantCulture, out var keyIndex);
                devices.Add(new UserDevice(user.Jid.WithDevice(deviceId), keyIndex, device.GetAttribute("is_hosted") == "true"));
            }
            var lid = Jid.TryParse(user.Node.GetChild("lid")?.GetAttribute("val"), out var parsed) ? parsed : (Jid?)null;
            results.Add(new UserDevices(user.Jid, lid, devices));
        }
        return results;
    }
}

/// <summary>Which of <paramref name="phoneNumbers"/> have an account (usync context "interactive", Baileys' onWhatsApp).</summary>
public sealed class UsyncContactsSpec(string sid, IEnumerable<string> phoneNumbers) : IIqSpec<IReadOnlyList<OnWhatsAppResult>>
{
    public BinaryNode Build(string id) =>
        UsyncFrame.Query(id, sid, "interactive", [new BinaryNode("contact")],
            phoneNumbers.Select(p => new BinaryNode("user", [], [new BinaryNode("contact", [], "+" + p.TrimStart('+'))])));

    public IReadOnlyList<OnWhatsAppResult> Parse(BinaryNode response) =>
        UsyncFrame.ListedUsers(response)
            .Where(u => u.Node.GetChild("contact") is not null)
            .Select(u => new OnWhatsAppResult(u.Jid, u.Node.GetChild("contact")!.GetAttribute("type") == "in"))
            .ToArray();
}

/// <summary>The frame both usync queries share.</summary>
file static class UsyncFrame
{
    public static BinaryNode Query(string id, string sid, string context, BinaryNode[] protocols, IEnumerable<BinaryNode> users) =>
        new("iq", [("id", id), ("to", "@s.whatsapp.net"), ("type", "get"), ("xmlns", "usync")],
        [
            new BinaryNode("usync", [("context", context), ("mode", "query"), ("sid", sid), ("last", "true"), ("index", "0")],
            [
                new BinaryNode("query", [], protocols),
                new BinaryNode("list", [], users.ToArray()),
            ]),
        ]);

    public static IEnumerable<(Jid Jid, BinaryNode Node)> ListedUsers(BinaryNode response)
    {
        var list = response.GetChild("usync")?.GetChild("list");
        if (list is null) yield break;
        foreach (var user in list.GetChildren("user"))
        {
            if (Jid.TryParse(user.GetAttribute("jid"), out var jid)) yield return (jid, user);
        }
    }
}

using System.Globalization;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Usync;

/// <summary>One device of a user as usync lists it.</summary>
public sealed record UserDevice(Jid Jid, uint KeyIndex, bool IsHosted);

/// <summary>A user's devices and LID from a device query.</summary>
public sealed record UserDevices(Jid User, Jid? Lid, IReadOnlyList<UserDevice> Devices);

/// <summary>Whether a phone number has an account, as the contact query says.</summary>
public sealed record OnWhatsAppResult(Jid Jid, bool Exists);

/// <summary>
/// The <c>usync</c> iqs: device lists (context "message", with LIDs) for fan-out, and contact checks (context
/// "interactive") for on-WhatsApp. Users without an answer for a protocol are left out, as Baileys does.
/// </summary>
public static class UsyncQuery
{
    public static BinaryNode Devices(string id, string sid, IEnumerable<Jid> users) =>
        Build(id, sid, "message", [new BinaryNode("devices", [("version", "2")]), new BinaryNode("lid")],
            users.Select(u => new BinaryNode("user", [("jid", u.ToNonAd().ToString())])));

    public static BinaryNode Contacts(string id, string sid, IEnumerable<string> phoneNumbers) =>
        Build(id, sid, "interactive", [new BinaryNode("contact")],
            phoneNumbers.Select(p => new BinaryNode("user", [], [new BinaryNode("contact", [], "+" + p.TrimStart('+'))])));

    public static IReadOnlyList<UserDevices> ParseDevices(BinaryNode response)
    {
        var results = new List<UserDevices>();
        foreach (var user in ListedUsers(response))
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

    public static IReadOnlyList<OnWhatsAppResult> ParseContacts(BinaryNode response) =>
        ListedUsers(response)
            .Where(u => u.Node.GetChild("contact") is not null)
            .Select(u => new OnWhatsAppResult(u.Jid, u.Node.GetChild("contact")!.GetAttribute("type") == "in"))
            .ToArray();

    private static IEnumerable<(Jid Jid, BinaryNode Node)> ListedUsers(BinaryNode response)
    {
        var list = response.GetChild("usync")?.GetChild("list");
        if (list is null) yield break;
        foreach (var user in list.GetChildren("user"))
        {
            if (Jid.TryParse(user.GetAttribute("jid"), out var jid)) yield return (jid, user);
        }
    }

    private static BinaryNode Build(string id, string sid, string context, BinaryNode[] protocols, IEnumerable<BinaryNode> users) =>
        new("iq", [("id", id), ("to", "@s.whatsapp.net"), ("type", "get"), ("xmlns", "usync")],
        [
            new BinaryNode("usync", [("context", context), ("mode", "query"), ("sid", sid), ("last", "true"), ("index", "0")],
            [
                new BinaryNode("query", [], protocols),
                new BinaryNode("list", [], users.ToArray()),
            ]),
        ]);
}

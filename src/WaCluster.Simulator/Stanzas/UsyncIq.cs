using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Simulator.Accounts;

namespace WaCluster.Simulator.Stanzas;

/// <summary>
/// xmlns "usync": per listed user, answers the requested protocols it knows — devices (the phone and linked
/// companions with their key index), contact (is the number on WhatsApp) and lid (the user's LID). Users are named by
/// a jid attribute (PN or LID) or, for contact queries, by a "+number" in the contact child. Whoever asks for a device
/// list is told when it changes, in the namespace it asked in (<see cref="DeviceNotifications"/>).
/// </summary>
internal static class UsyncIq
{
    private const int MaxUsers = 5000;

    public static BinaryNode Answer(WaSimulator simulator, SimDevice requester, BinaryNode iq)
    {
        var usync = iq.RequireChild("usync");
        var protocols = usync.RequireChild("query").Children.Select(p => p.Tag).ToHashSet(StringComparer.Ordinal);
        var users = usync.RequireChild("list").GetChildren("user").Take(MaxUsers + 1).ToList();
        if (users.Count > MaxUsers) throw new SimulatorException($"usync lists more than {MaxUsers} users");
        var answers = users.Select(u => AnswerUser(simulator, requester, u, protocols)).ToArray();
        return ServerNodes.IqResult(iq, new BinaryNode("usync",
            [("sid", usync["sid"]), ("index", "0"), ("last", "true"), ("mode", usync["mode"]), ("context", usync["context"])],
            [new BinaryNode("result", [], ReadOnlySpan<BinaryNode>.Empty), new BinaryNode("list", [], answers)]));
    }

    private static BinaryNode AnswerUser(WaSimulator simulator, SimDevice requester, BinaryNode request, HashSet<string> protocols)
    {
        var (jid, user) = Identify(simulator, request);
        var byLid = jid.IsLid;
        var children = new List<BinaryNode>();
        foreach (var protocol in protocols)
        {
            switch (protocol)
            {
                case "devices":
                    children.Add(Devices(user));
                    if (user is not null) user.DeviceListWatchers[requester] = byLid;
                    break;
                case "contact":
                    children.Add(new BinaryNode("contact", [("type", user is null ? "out" : "in")]));
                    break;
                case "lid" when user is not null:
                    children.Add(new BinaryNode("lid", [("val", user.LidJid)]));
                    break;
            }
        }
        return new BinaryNode("user", [("jid", jid.ToString())], children.ToArray());
    }

    private static (Jid Jid, SimUser? User) Identify(WaSimulator simulator, BinaryNode request)
    {
        if (request["jid"] is { } text)
        {
            var jid = Jid.Parse(text);
            return (jid.ToUserJid(), simulator.Directory.Find(jid));
        }
        var phone = request.GetChild("contact")?.ContentAsString ?? throw new SimulatorException("usync user has neither jid nor contact");
        var digits = phone.TrimStart('+');
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) throw new SimulatorException($"usync contact '{phone}' is not a phone number");
        return (new Jid(digits, JidServer.User), simulator.Directory.FindByPhone(digits));
    }

    private static BinaryNode Devices(SimUser? user)
    {
        var list = new List<BinaryNode>();
        if (user is not null)
        {
            list.Add(new BinaryNode("device", [("id", "0")]));
            foreach (var device in user.Companions.Values.OrderBy(d => d.Id))
            {
                list.Add(new BinaryNode("device", [("id", device.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("key-index", device.KeyIndex.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
            }
        }
        return new BinaryNode("devices", [], [new BinaryNode("device-list", [], list.ToArray())]);
    }
}

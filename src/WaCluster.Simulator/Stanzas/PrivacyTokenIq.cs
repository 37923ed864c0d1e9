using System.Globalization;
using WaCluster.Protocol.Binary;
using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.Connections;

namespace WaCluster.Simulator.Stanzas;

/// <summary>
/// Trusted-contact privacy tokens (xmlns "privacy", &lt;tokens&gt;). A client issues its token to a contact (Baileys does
/// after its first 1:1 message there): the server keeps one token per issuer and holder, sends it to the holder's
/// devices in a privacy_token notification from the issuer, and answers the issuer with the tokens the contacts issued
/// to it. A 1:1 message must carry (&lt;tctoken&gt;) the token its recipient issued to the sender, or it is refused with
/// error 463. All of this only when tokens are required (<see cref="SimulatorOptions.RequirePrivacyTokens"/>).
/// </summary>
internal static class PrivacyTokenIq
{
    private const int MaxTokensPerIq = 256;
    private const string TrustedContact = "trusted_contact";

    public static void Issue(WaSimulator simulator, ChatConnection connection, SimDevice device, BinaryNode iq, BinaryNode tokens)
    {
        var issuer = device.User;
        var requested = tokens.GetChildren("token").Take(MaxTokensPerIq + 1).ToList();
        if (requested.Count > MaxTokensPerIq) throw new SimulatorException($"more than {MaxTokensPerIq} tokens in one iq");
        var holders = new List<(SimUser Holder, long Time)>();
        foreach (var token in requested)
        {
            if (token["type"] != TrustedContact) throw new SimulatorException($"privacy token type '{token["type"]}' is not {TrustedContact}");
            if (!long.TryParse(token.RequireAttribute("t"), NumberStyles.None, CultureInfo.InvariantCulture, out var time))
            {
                throw new SimulatorException("privacy token t is not a timestamp");
            }
            var holder = simulator.Directory.Find(token.RequireJid("jid"));
            if (holder is null)
            {
                connection.Send(ServerNodes.IqError(iq, 404, "item-not-found"));
                return;
            }
            if (holder != issuer) holders.Add((holder, time));
        }
        if (!simulator.Options.RequirePrivacyTokens)
        {
            // Tokens off: acknowledged, but neither kept nor passed on, so clients see no token traffic at all.
            connection.Send(ServerNodes.IqResult(iq));
            return;
        }
        var answers = new List<BinaryNode>();
        foreach (var (holder, time) in holders)
        {
            var issued = simulator.PrivacyTokens.Issue(issuer, holder, time, simulator.Random);
            Notify(simulator, issuer, holder, issued);
            if (simulator.PrivacyTokens.Find(holder, issuer) is { } theirs) answers.Add(TokenNode(holder, theirs));
        }
        connection.Send(answers.Count == 0 ? ServerNodes.IqResult(iq) : ServerNodes.IqResult(iq, new BinaryNode("tokens", [], answers.ToArray())));
    }

    /// <summary>Why a 1:1 message from <paramref name="sender"/> to <paramref name="recipient"/> is refused (an ack error code), or null.</summary>
    public static int? RefusalFor(WaSimulator simulator, SimUser sender, SimUser recipient, BinaryNode message)
    {
        var attached = message.GetChild("tctoken");
        if (attached is not null && (attached.ContentKind != NodeContentKind.Bytes || attached.Bytes.IsEmpty)) return 400;
        // Copies to one's own devices, resends to one device (no fan-out list) and peer messages need no token.
        if (!simulator.Options.RequirePrivacyTokens || recipient == sender || message.GetChild("participants") is null || message["category"] == "peer")
        {
            return null;
        }
        var issued = simulator.PrivacyTokens.Find(recipient, sender);
        return issued is not null && attached is not null && attached.Bytes.Span.SequenceEqual(issued.Token) ? null : 463;
    }

    private static void Notify(WaSimulator simulator, SimUser issuer, SimUser holder, PrivacyToken token)
    {
        foreach (var device in holder.Companions.Values)
        {
            var id = simulator.NewStanzaId();
            device.Deliver(new PendingStanza(id, "notification", new BinaryNode("notification",
                [("from", issuer.AddressedJid), ("sender_lid", issuer.LidJid), ("type", "privacy_token"), ("id", id), ("t", ServerNodes.Timestamp(WaSimulator.Now))],
                [new BinaryNode("tokens", [], [TokenNode(holder, token)])])));
        }
    }

    private static BinaryNode TokenNode(SimUser named, PrivacyToken token) =>
        new("token", [("jid", named.PnJid), ("t", ServerNodes.Timestamp(token.Time)), ("type", TrustedContact)], token.Token);
}

using System.Globalization;
using WaCluster.Core.Connection;
using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Core.Keys;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Jids;
using WaCluster.Signal.Keys;

namespace WaCluster.Core.Stanzas;

/// <summary>How far one of our messages got, as a receipt tells it; the numbers are Baileys' WAMessageStatus.</summary>
public enum ReceiptStatus
{
    Delivered = 3,
    Read = 4,
    Played = 5,
}

/// <summary>
/// A receipt the server delivered for our messages: its chat, type, the status it means (null for types that are no
/// status, e.g. retry), every message id it covers, the group member it is from, and when.
/// </summary>
public sealed record IncomingReceipt(Jid? From, string Type, ReceiptStatus? Status, IReadOnlyList<string> Ids, Jid? Participant, DateTimeOffset? Timestamp);

/// <summary>
/// A device could not decrypt our message <see cref="Id"/>: the failing <see cref="Device"/>, the <see cref="Chat"/>
/// the message belongs to, the attempt <see cref="Count"/>, and the pre-key bundle it sent, if any.
/// </summary>
public sealed record IncomingRetryReceipt(string Id, Jid From, Jid Device, Jid Chat, string Count, PreKeyBundle? Bundle);

/// <summary>Receipts both ways: reading the ones we get, building the delivery, read and retry receipts we send.</summary>
public static class Receipts
{
    /// <summary>The one mapping from a receipt's type to a status; an absent type is a delivery receipt.</summary>
    public static ReceiptStatus? StatusOf(string? type) => type switch
    {
        null or "" or "delivery" => ReceiptStatus.Delivered,
        "read" or "read-self" => ReceiptStatus.Read,
        "played" or "played-self" => ReceiptStatus.Played,
        _ => null,
    };

    /// <summary>Reads a receipt: the first id is the stanza's, later ones come in <c>&lt;list&gt;&lt;item id&gt;</c>.</summary>
    public static IncomingReceipt Parse(BinaryNode receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var type = receipt.GetAttribute("type") is { Length: > 0 } given ? given : "delivery";
        var ids = new List<string>();
        if (receipt.GetAttribute("id") is { } first) ids.Add(first);
        if (receipt.GetChild("list") is { } list) ids.AddRange(list.GetChildren("item").Select(i => i.GetAttribute("id")).OfType<string>());
        DateTimeOffset? timestamp = receipt.TryGetInt64("t", out var t) ? DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(t, 0, 253402300799)) : null;
        return new IncomingReceipt(receipt.GetJid("from"), type, StatusOf(type), ids, receipt.GetJid("participant"), timestamp);
    }

    /// <summary>
    /// Reads a retry receipt to <paramref name="me"/>: from a group it names the failing member as participant; from one
    /// of our own devices the chat is its <c>recipient</c>. Null without an id or a sender.
    /// </summary>
    /// <exception cref="EngineException">A group retry receipt names no participant.</exception>
    public static IncomingRetryReceipt? ParseRetry(BinaryNode receipt, Jid me)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.GetAttribute("id") is not { } id || receipt.GetJid("from") is not { } from) return null;
        var (device, chat) = from.IsGroup
            ? (receipt.GetJid("participant") ?? throw new EngineException($"group retry receipt {id} without a participant"), from)
            : from.IsSameUser(me) ? (from, receipt.GetJid("recipient") ?? from) : (from, from);
        var count = receipt.GetChild("retry")?.GetAttribute("count") ?? "1";
        return new IncomingRetryReceipt(id, from, device, chat, count, KeyBundles.FromRetryReceipt(receipt));
    }

    /// <summary>
    /// The delivery receipt for a decrypted message: to the sender's user, or to the group (or status@broadcast) naming
    /// the author; a peer message (from our own phone to this device) gets a peer_msg receipt.
    /// </summary>
    public static BinaryNode Delivery(BinaryNode message) =>
        message.GetJid("from") is { } group && (group.IsGroup || group.IsStatusBroadcast)
            ? new("receipt", [("id", message.GetAttribute("id")), ("to", group.ToString()), ("participant", message.GetAttribute("participant"))])
            : new("receipt", [("id", message.GetAttribute("id")), ("to", message.GetJid("from")?.ToNonAd().ToString()),
                ("type", message.GetAttribute("category") == "peer" ? "peer_msg" : null)]);

    /// <summary>The receipt that tells our phone a history-sync notification was processed (Baileys' hist_sync receipt).</summary>
    public static BinaryNode HistorySync(BinaryNode message) =>
        new("receipt", [("id", message.GetAttribute("id")), ("to", message.GetJid("from")?.ToNonAd().ToString()), ("type", "hist_sync")]);

    /// <summary>The read receipt (blue ticks) for one received message.</summary>
    public static BinaryNode Read(WaMessageKey key) =>
        new("receipt", [("id", key.Id), ("to", key.RemoteJid.ToString()), ("type", "read"), ("participant", key.Participant?.ToString())]);

    /// <summary>
    /// The retry receipt we send when a message does not decrypt: it asks the sender to encrypt it again and carries our
    /// registration id; on later attempts (or when we hold no session with the sender) also a fresh pre-key bundle so the
    /// sender can start a new session with us.
    /// </summary>
    public static BinaryNode Retry(BinaryNode failed, AuthCreds creds, int count, PreKeyRecord? freshPreKey)
    {
        ArgumentNullException.ThrowIfNull(failed);
        ArgumentNullException.ThrowIfNull(creds);
        var content = new List<BinaryNode>
        {
            new("retry", [("count", count.ToString(CultureInfo.InvariantCulture)), ("id", failed.GetAttribute("id")),
                ("t", failed.GetAttribute("t")), ("v", "1"), ("error", "0")]),
            new("registration", [], (ReadOnlyMemory<byte>)ClientPayloadFactory.BigEndian(creds.RegistrationId, 4)),
        };
        if (freshPreKey is not null)
        {
            var keys = new List<BinaryNode>
            {
                new("type", [], (ReadOnlyMemory<byte>)new[] { Curve25519.DjbKeyType }),
                new("identity", [], (ReadOnlyMemory<byte>)creds.SignedIdentityKey.PublicKey),
                new("key", [],
                [
                    new BinaryNode("id", [], (ReadOnlyMemory<byte>)ClientPayloadFactory.BigEndian(freshPreKey.Id, 3)),
                    new BinaryNode("value", [], (ReadOnlyMemory<byte>)freshPreKey.KeyPair.PublicKey),
                ]),
                new("skey", [],
                [
                    new BinaryNode("id", [], (ReadOnlyMemory<byte>)ClientPayloadFactory.BigEndian(creds.SignedPreKey.Id, 3)),
                    new BinaryNode("value", [], (ReadOnlyMemory<byte>)creds.SignedPreKey.KeyPair.PublicKey),
                    new BinaryNode("signature", [], (ReadOnlyMemory<byte>)creds.SignedPreKey.Signature),
                ]),
            };
            if (creds.Account is { } account) keys.Add(new BinaryNode("device-identity", [], (ReadOnlyMemory<byte>)account));
            content.Add(new BinaryNode("keys", [], keys.ToArray()));
        }
        return new BinaryNode("receipt",
            [("id", failed.GetAttribute("id")), ("type", "retry"), ("to", failed.GetAttribute("from")), ("participant", failed.GetAttribute("participant")),
                ("recipient", failed.GetAttribute("recipient"))],
            content.ToArray());
    }
}

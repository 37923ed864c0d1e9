using WaCluster.Core.Events;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Media;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.Media;

/// <summary>
/// The stanzas of a media re-upload. The requester sends <c>&lt;receipt type="server-error" to=own user&gt;</c> with
/// <c>&lt;encrypt&gt;&lt;enc_p/&gt;&lt;enc_iv/&gt;&lt;/encrypt&gt;</c> and <c>&lt;rmr jid from_me participant/&gt;</c> naming the
/// message (as WhatsApp Web, Baileys and whatsmeow do). The server hands it to a device that holds the media, which
/// answers with a <c>mediaretry</c> notification for the requester: the same rmr and either an encrypted
/// MediaRetryNotification or <c>&lt;error code/&gt;</c> (a MediaRetryNotification result code; 2 = not found).
/// </summary>
public static class MediaRetryNodes
{
    public static BinaryNode Request(WaMessageKey key, ReadOnlySpan<byte> mediaKey, Jid ownUser)
    {
        var request = MediaRetryCrypto.EncryptRequest(key.Id, mediaKey);
        return new BinaryNode("receipt", [("id", key.Id), ("to", ownUser.ToNonAd().ToString()), ("type", "server-error")],
        [
            Encrypted(request),
            Rmr(key.RemoteJid.ToString(), key.FromMe, key.Participant?.ToString()),
        ]);
    }

    /// <summary>A request as a media holder receives it: who asks, for which message, and its sealed payload if any.</summary>
    public sealed record ReceivedRequest(string Id, Jid Requester, BinaryNode Rmr, MediaRetryCrypto.Sealed? Payload);

    public static ReceivedRequest ParseRequest(BinaryNode receipt) => new(
        receipt.GetAttribute("id") ?? throw new MediaRetryException("re-upload request without id"),
        receipt.GetJid("from") ?? throw new MediaRetryException("re-upload request without a requester"),
        receipt.GetChild("rmr") ?? throw new MediaRetryException("re-upload request without <rmr>"),
        ReadPayload(receipt));

    public static BinaryNode Answer(ReceivedRequest request, MediaRetryCrypto.Sealed answer) =>
        Notification(request, Encrypted(answer));

    public static BinaryNode Failure(ReceivedRequest request, MediaRetryNotification.Types.ResultType result) =>
        Notification(request, new BinaryNode("error", [("code", ((int)result).ToString(System.Globalization.CultureInfo.InvariantCulture))]));

    /// <summary>The answer as the requester receives it: the sealed notification, or the holder's error code.</summary>
    public sealed record ReceivedAnswer(string Id, MediaRetryCrypto.Sealed? Payload, int? ErrorCode);

    public static ReceivedAnswer ParseAnswer(BinaryNode notification)
    {
        var id = notification.GetAttribute("id") ?? throw new MediaRetryException("re-upload answer without id");
        if (notification.GetChild("error") is { } error)
        {
            return new ReceivedAnswer(id, null, error.TryGetInt64("code", out var code) ? (int)Math.Clamp(code, int.MinValue, int.MaxValue) : 0);
        }
        return new ReceivedAnswer(id, ReadPayload(notification) ?? throw new MediaRetryException($"re-upload answer {id} carries neither a payload nor an error"), null);
    }

    private static BinaryNode Notification(ReceivedRequest request, BinaryNode result)
    {
        // The requester matches the answer to its request by id and rmr: echo the message's address, nothing else.
        var rmr = new BinaryNode("rmr", [("jid", request.Rmr.GetAttribute("jid")), ("from_me", request.Rmr.GetAttribute("from_me")), ("participant", request.Rmr.GetAttribute("participant"))]);
        return new BinaryNode("notification", [("id", request.Id), ("to", request.Requester.ToString()), ("type", "mediaretry")], [rmr, result]);
    }

    private static BinaryNode Rmr(string chat, bool fromMe, string? participant) =>
        new("rmr", [("jid", chat), ("from_me", fromMe ? "true" : "false"), ("participant", participant)]);

    private static BinaryNode Encrypted(MediaRetryCrypto.Sealed payload) =>
        new("encrypt", [], [new BinaryNode("enc_p", [], (ReadOnlyMemory<byte>)payload.Ciphertext), new BinaryNode("enc_iv", [], (ReadOnlyMemory<byte>)payload.Iv)]);

    private static MediaRetryCrypto.Sealed? ReadPayload(BinaryNode stanza) =>
        stanza.GetChild("encrypt") is { } encrypt
        && encrypt.GetChild("enc_p") is { ContentKind: NodeContentKind.Bytes } ciphertext
        && encrypt.GetChild("enc_iv") is { ContentKind: NodeContentKind.Bytes } iv
            ? new MediaRetryCrypto.Sealed(ciphertext.Bytes.ToArray(), iv.Bytes.ToArray())
            : null;
}

using WaCluster.Engine.Events;
using WaCluster.Protocol;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.Signal;
using WaCluster.Signal.Messages;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.Messaging;

/// <summary>
/// Decrypts a 1:1 <c>message</c> stanza's pairwise ciphertexts into Messages. A message from another of our devices
/// arrives as a DeviceSentMessage and becomes ours (fromMe) in the chat it names.
/// </summary>
internal static class IncomingMessage
{
    public static async Task<IReadOnlyList<ReceivedMessage>> DecryptAsync(SignalStoreTransaction keys, BinaryNode stanza, Jid me)
    {
        var id = stanza.GetAttribute("id") ?? throw new EngineException("message without id");
        var sender = stanza.GetJid("from") ?? throw new EngineException("message without a sender JID");
        var timestamp = stanza.TryGetInt64("t", out var t) ? DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(t, 0, 253402300799)) : DateTimeOffset.UnixEpoch;
        var fromMe = sender.IsSameUser(me) && sender.Server == me.Server;
        var results = new List<ReceivedMessage>();
        foreach (var enc in stanza.GetChildren("enc"))
        {
            var type = enc.GetAttribute("type") switch
            {
                "pkmsg" => SignalMessageType.PreKey,
                "msg" => SignalMessageType.Whisper,
                var other => throw new EngineException($"enc type '{other}' is not pairwise"),
            };
            if (enc.ContentKind != NodeContentKind.Bytes) throw new EngineException("enc has no ciphertext");
            byte[] plaintext;
            try
            {
                plaintext = await new SessionCipher(keys, SignalAddresses.Of(sender)).DecryptAsync(type, enc.Bytes).ConfigureAwait(false);
            }
            catch (SignalException ex)
            {
                throw new EngineException($"message {id} from {sender} does not decrypt: {ex.Message}", ex);
            }
            Message message;
            try
            {
                message = Message.Parser.Decode(MessagePadding.Unpad(plaintext));
            }
            catch (ProtocolException ex) when (ex is not EngineException)
            {
                throw new EngineException($"message {id} is not a Message: {ex.Message}", ex);
            }
            var chat = sender.ToNonAd();
            if (message.DeviceSentMessage is { } sent && fromMe && Jid.TryParse(sent.DestinationJid, out var destination))
            {
                chat = destination;
                message = sent.Message ?? new Message();
            }
            results.Add(new ReceivedMessage(new WaMessageKey(chat, fromMe, id), message, sender, stanza.GetAttribute("notify"), timestamp));
        }
        return results;
    }

    /// <summary>The delivery receipt for a decrypted 1:1 message, sent to the sender's user.</summary>
    public static BinaryNode DeliveryReceipt(BinaryNode stanza) =>
        new("receipt", [("id", stanza.GetAttribute("id")), ("to", stanza.GetJid("from")?.ToNonAd().ToString())]);

}

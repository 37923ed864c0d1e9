using WaCluster.Core.Events;
using WaCluster.Core.Store;
using WaCluster.Protocol;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.Signal;
using WaCluster.Signal.Groups;
using WaCluster.Signal.Messages;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;

namespace WaCluster.Core.Messaging;

/// <summary>
/// Decrypts a 1:1 <c>message</c> stanza's pairwise ciphertexts into Messages. A message from another of our devices
/// arrives as a DeviceSentMessage and becomes ours (fromMe) in the chat it names. A status comes from status@broadcast
/// with its author as participant: like a group message it is read under the author's device (pairwise parts) and
/// the sender key (status@broadcast, author). Sessions are found where
/// <see cref="LidSessions"/> keeps them, so a LID sender whose session is still under its phone number decrypts.
/// </summary>
internal static class IncomingMessage
{
    /// <param name="data">The PN-LID map, with the pairs this stanza taught (staged) included.</param>
    /// <param name="meLid">Our LID device, when pairing told it: our devices write to us by LID too.</param>
    public static async Task<IReadOnlyList<ReceivedMessage>> DecryptAsync(SignalStoreTransaction keys, IAccountDataReader data, BinaryNode stanza, Jid me,
        Jid? meLid)
    {
        var id = stanza.GetAttribute("id") ?? throw new EngineException("message without id");
        var from = stanza.GetJid("from") ?? throw new EngineException("message without a sender JID");
        Jid? group = from.IsGroup || from.IsStatusBroadcast ? from : null;
        var sender = group is null ? from : stanza.GetJid("participant") ?? throw new EngineException($"{from} message {id} without a participant");
        var timestamp = stanza.TryGetInt64("t", out var t) ? DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(t, 0, 253402300799)) : DateTimeOffset.UnixEpoch;
        var fromMe = (sender.IsSameUser(me) && sender.Server == me.Server) || (meLid is { } ownLid && sender.IsSameUser(ownLid) && sender.IsLid);
        var mappings = new LidMappings(data);
        var (senderPn, senderLid) = sender.IsLid ? (mappings.PnOf(sender), (Jid?)sender) : ((Jid?)sender, mappings.LidOf(sender));
        var results = new List<ReceivedMessage>();
        foreach (var enc in stanza.GetChildren("enc"))
        {
            if (enc.ContentKind != NodeContentKind.Bytes) throw new EngineException("enc has no ciphertext");
            var message = Decode(id, await DecryptOneAsync(keys, data, enc, id, sender, group).ConfigureAwait(false));
            if (group is { } chatGroup && message.SenderKeyDistributionMessage is { } distribution)
            {
                await InstallSenderKeyAsync(keys, chatGroup, sender, distribution).ConfigureAwait(false);
                message.SenderKeyDistributionMessage = null;
                // A pairwise part that only carried the key is not a message of its own.
                if (message.CalculateSize() == 0 || message.Equals(new Message { MessageContextInfo = message.MessageContextInfo })) continue;
            }
            var chat = group ?? sender.ToNonAd();
            if (message.DeviceSentMessage is { } sent && fromMe && Jid.TryParse(sent.DestinationJid, out var destination))
            {
                chat = destination;
                message = sent.Message ?? new Message();
            }
            var unwrapped = MessageWrappers.Unwrap(message, id);
            results.Add(new ReceivedMessage(new WaMessageKey(chat, fromMe, id, group is null ? null : sender), unwrapped.Content, sender,
                stanza.GetAttribute("notify"), timestamp, unwrapped.Expiration, unwrapped.ViewOnce, senderPn, senderLid));
        }
        return results;
    }

    private static async Task<byte[]> DecryptOneAsync(SignalStoreTransaction keys, IAccountDataReader data, BinaryNode enc, string id, Jid sender, Jid? group)
    {
        try
        {
            switch (enc.GetAttribute("type"))
            {
                case "pkmsg":
                    return await new SessionCipher(keys, await LidSessions.AddressAsync(keys, data, sender).ConfigureAwait(false))
                        .DecryptAsync(SignalMessageType.PreKey, enc.Bytes).ConfigureAwait(false);
                case "msg":
                    return await new SessionCipher(keys, await LidSessions.AddressAsync(keys, data, sender).ConfigureAwait(false))
                        .DecryptAsync(SignalMessageType.Whisper, enc.Bytes).ConfigureAwait(false);
                case "skmsg" when group is { } g:
                    return await new GroupCipher(keys, new SenderKeyName(g.ToString(), SignalAddresses.Of(sender))).DecryptAsync(enc.Bytes).ConfigureAwait(false);
                case var other:
                    throw new EngineException($"message {id}: enc type '{other}' is not supported here");
            }
        }
        catch (SignalException ex)
        {
            throw new EngineException($"message {id} from {sender} does not decrypt: {ex.Message}", ex);
        }
    }

    private static Message Decode(string id, byte[] plaintext)
    {
        try
        {
            return Message.Parser.Decode(MessagePadding.Unpad(plaintext));
        }
        catch (ProtocolException ex) when (ex is not EngineException)
        {
            throw new EngineException($"message {id} is not a Message: {ex.Message}", ex);
        }
    }

    private static async Task InstallSenderKeyAsync(SignalStoreTransaction keys, Jid group, Jid sender, Message.Types.SenderKeyDistributionMessage distribution)
    {
        try
        {
            var parsed = SenderKeyDistributionMessage.Parse(distribution.AxolotlSenderKeyDistributionMessage.Span);
            await new GroupSessionBuilder(keys).ProcessAsync(new SenderKeyName(group.ToString(), SignalAddresses.Of(sender)), parsed).ConfigureAwait(false);
        }
        catch (SignalException ex)
        {
            throw new EngineException($"sender key distribution from {sender} in {group} is invalid: {ex.Message}", ex);
        }
    }
}

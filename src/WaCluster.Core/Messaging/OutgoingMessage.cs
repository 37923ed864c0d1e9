using Google.Protobuf;
using WaCluster.Core.Creds;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;

namespace WaCluster.Core.Messaging;

/// <summary>
/// Encrypts one message for every device of the recipient and our other devices (they get it wrapped as a
/// DeviceSentMessage), starting sessions from fetched bundles where needed, and builds the stanza. All Signal changes
/// stay in the given transaction so the caller persists them before the stanza leaves.
/// </summary>
internal static class OutgoingMessage
{
    public static async Task<BinaryNode> EncryptAsync(SignalStoreTransaction keys, AuthCreds creds, string id, Jid to, Message message,
        IReadOnlyList<Jid> recipientDevices, IReadOnlyList<Jid> ownDevices, Func<IReadOnlyList<Jid>, Task<IReadOnlyDictionary<Jid, Signal.Keys.PreKeyBundle>>> fetchBundles,
        string stanzaType = "text", string? mediaType = null)
    {
        var all = recipientDevices.Concat(ownDevices).ToArray();
        await DeviceSessions.EnsureAsync(keys, all, fetchBundles).ConfigureAwait(false);

        var forRecipient = MessagePadding.Pad(message.ToByteArray());
        var forOwn = MessagePadding.Pad(DeviceSentCopy(to, message).ToByteArray());
        var participants = new List<BinaryNode>();
        var anyPreKey = false;
        foreach (var device in all)
        {
            var cipher = new SessionCipher(keys, SignalAddresses.Of(device));
            if (!await cipher.HasOpenSessionAsync().ConfigureAwait(false)) continue; // no bundle: the device cannot be reached now
            var encrypted = await cipher.EncryptAsync(recipientDevices.Contains(device) ? forRecipient : forOwn).ConfigureAwait(false);
            anyPreKey |= encrypted.Type == Signal.Messages.SignalMessageType.PreKey;
            participants.Add(new BinaryNode("to", [("jid", device.ToString())],
                [new BinaryNode("enc", mediaType is null ? [("v", "2"), ("type", encrypted.WireType)] : [("v", "2"), ("type", encrypted.WireType), ("mediatype", mediaType)],
                    (ReadOnlyMemory<byte>)encrypted.Body)]));
        }
        if (participants.Count == 0) throw new EngineException($"no device of {to} could be reached");

        var content = new List<BinaryNode> { new("participants", [], participants.ToArray()) };
        // A first message to a device carries our signed device identity so it can check who we are.
        if (anyPreKey && creds.Account is { } account) content.Add(new BinaryNode("device-identity", [], (ReadOnlyMemory<byte>)account));
        return new BinaryNode("message", [("id", id), ("to", to.ToString()), ("type", stanzaType)], content.ToArray());
    }

    /// <summary>What our other devices get of a message we sent to <paramref name="chat"/>.</summary>
    public static Message DeviceSentCopy(Jid chat, Message message) =>
        new() { DeviceSentMessage = new Message.Types.DeviceSentMessage { DestinationJid = chat.ToString(), Message = message } };
}

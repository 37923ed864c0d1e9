using Google.Protobuf;
using WaCluster.Core.Creds;
using WaCluster.Core.Store;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;

namespace WaCluster.Core.Messaging;

/// <summary>
/// Encrypts one message for every device of the recipient and our other devices (they get it wrapped as a
/// DeviceSentMessage), starting sessions from fetched bundles where needed, and builds the stanza. All Signal changes
/// stay in the given transaction so the caller persists them before the stanza leaves. Devices are named on the wire as
/// the caller lists them (by phone number or by LID); their sessions are where <see cref="LidSessions"/> keeps them.
/// </summary>
internal static class OutgoingMessage
{
    public static async Task<BinaryNode> EncryptAsync(SignalStoreTransaction keys, IAccountDataReader addressing, AuthCreds creds, string id, Jid to, Message message,
        IReadOnlyList<Jid> recipientDevices, IReadOnlyList<Jid> ownDevices, Func<IReadOnlyList<Jid>, Task<IReadOnlyDictionary<Jid, Signal.Keys.PreKeyBundle>>> fetchBundles,
        string stanzaType = "text", string? mediaType = null)
    {
        var all = recipientDevices.Concat(ownDevices).ToArray();
        await DeviceSessions.EnsureAsync(keys, all, fetchBundles, addressing).ConfigureAwait(false);

        var forRecipient = MessagePadding.Pad(message.ToByteArray());
        var forOwn = MessagePadding.Pad(DeviceSentCopy(to, message).ToByteArray());
        var participants = new List<BinaryNode>();
        var anyPreKey = false;
        foreach (var device in all)
        {
            // No bundle: the device cannot be reached now.
            if (await EncryptForAsync(keys, addressing, device, recipientDevices.Contains(device) ? forRecipient : forOwn, ("mediatype", mediaType)).ConfigureAwait(false)
                is not { } pairwise) continue;
            anyPreKey |= pairwise.PreKey;
            participants.Add(new BinaryNode("to", [("jid", device.ToString())], [pairwise.Enc]));
        }
        if (participants.Count == 0) throw new EngineException($"no device of {to} could be reached");

        var content = new List<BinaryNode> { new("participants", [], participants.ToArray()) };
        // A first message to a device carries our signed device identity so it can check who we are.
        if (anyPreKey && creds.Account is { } account) content.Add(new BinaryNode("device-identity", [], (ReadOnlyMemory<byte>)account));
        return new BinaryNode("message", [("id", id), ("to", to.ToString()), ("type", stanzaType)], content.ToArray());
    }

    /// <summary>
    /// The same message again, same id, for the one <paramref name="device"/> whose retry receipt asked for it (our own
    /// devices get their device-sent copy for <paramref name="chat"/>); null when no session with it is open.
    /// </summary>
    public static async Task<BinaryNode?> ResendAsync(SignalStoreTransaction keys, IAccountDataReader addressing, AuthCreds creds, string id, Jid device, Jid chat,
        Jid me, Message message, string retryCount)
    {
        var ownDevice = device.IsSameUser(me) || (creds.Me?.Lid is { } ownLid && Jid.TryParse(ownLid, out var lid) && device.IsLid && device.IsSameUser(lid));
        var content = ownDevice ? DeviceSentCopy(chat, message) : message;
        if (await EncryptForAsync(keys, addressing, device, MessagePadding.Pad(content.ToByteArray()), ("count", retryCount)).ConfigureAwait(false)
            is not { } pairwise) return null;
        BinaryNode[] nodes = pairwise.PreKey && creds.Account is { } account
            ? [pairwise.Enc, new BinaryNode("device-identity", [], (ReadOnlyMemory<byte>)account)]
            : [pairwise.Enc];
        return new BinaryNode("message", [("id", id), ("to", device.ToString()), ("type", "text"), ("recipient", ownDevice ? chat.ToString() : null)], nodes);
    }

    // The pairwise <enc> of one device, and whether it starts a session (a pre-key message); null without an open session.
    private static async Task<(BinaryNode Enc, bool PreKey)?> EncryptForAsync(SignalStoreTransaction keys, IAccountDataReader addressing, Jid device, byte[] padded,
        NodeAttribute extra)
    {
        var cipher = new SessionCipher(keys, await LidSessions.AddressAsync(keys, addressing, device).ConfigureAwait(false));
        if (!await cipher.HasOpenSessionAsync().ConfigureAwait(false)) return null;
        var encrypted = await cipher.EncryptAsync(padded).ConfigureAwait(false);
        return (new BinaryNode("enc", [("v", "2"), ("type", encrypted.WireType), extra], (ReadOnlyMemory<byte>)encrypted.Body),
            encrypted.Type == Signal.Messages.SignalMessageType.PreKey);
    }

    /// <summary>What our other devices get of a message we sent to <paramref name="chat"/>.</summary>
    public static Message DeviceSentCopy(Jid chat, Message message) =>
        new() { DeviceSentMessage = new Message.Types.DeviceSentMessage { DestinationJid = chat.ToString(), Message = message } };
}

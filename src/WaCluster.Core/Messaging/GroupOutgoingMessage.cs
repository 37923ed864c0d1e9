using Google.Protobuf;
using WaCluster.Core.Creds;
using WaCluster.Core.Groups;
using WaCluster.Core.Store;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.Signal;
using WaCluster.Signal.Groups;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;

namespace WaCluster.Core.Messaging;

/// <summary>
/// Encrypts one group message: the content once with our sender key (skmsg), plus, for member devices that do not have
/// our sender key yet, a pairwise message carrying its distribution. With <c>rotate</c> the sender key is replaced first
/// (a member left: what follows must be unreadable with the old one), so every listed device gets the new one; a
/// <c>retryCount</c> marks the pairwise parts of a resend. All Signal changes stay in the transaction.
/// </summary>
internal static class GroupOutgoingMessage
{
    public sealed record Result(BinaryNode Stanza, IReadOnlyList<Jid> Distributed);

    public static SenderKeyName OwnSenderKey(Jid group, Jid me) => new(group.ToString(), SignalAddresses.Of(me));

    public static async Task<Result> EncryptAsync(SignalStoreTransaction keys, AuthCreds creds, string id, Jid group, Jid me, Message message,
        IReadOnlyList<Jid> lackingSenderKey, Func<IReadOnlyList<Jid>, Task<IReadOnlyDictionary<Jid, Signal.Keys.PreKeyBundle>>> fetchBundles,
        string stanzaType, string? mediaType, bool rotate = false, string? retryCount = null, GroupAddressingMode? addressingMode = null,
        IAccountDataReader? addressing = null)
    {
        var name = OwnSenderKey(group, me);
        var builder = new GroupSessionBuilder(keys);
        var distribution = rotate ? await builder.RotateAsync(name).ConfigureAwait(false) : await builder.CreateAsync(name).ConfigureAwait(false);
        var skmsg = await new GroupCipher(keys, name).EncryptAsync(MessagePadding.Pad(message.ToByteArray())).ConfigureAwait(false);

        // With the account's PN-LID map, a device's session is looked for where LidSessions keeps it.
        await DeviceSessions.EnsureAsync(keys, lackingSenderKey, fetchBundles, addressing).ConfigureAwait(false);

        var distributionMessage = MessagePadding.Pad(new Message
        {
            SenderKeyDistributionMessage = new Message.Types.SenderKeyDistributionMessage
            {
                GroupId = group.ToString(),
                AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(distribution.Serialize()),
            },
        }.ToByteArray());
        var participants = new List<BinaryNode>();
        var distributed = new List<Jid>();
        var anyPreKey = false;
        foreach (var device in lackingSenderKey)
        {
            var cipher = new SessionCipher(keys,
                addressing is null ? SignalAddresses.Of(device) : await LidSessions.AddressAsync(keys, addressing, device).ConfigureAwait(false));
            if (!await cipher.HasOpenSessionAsync().ConfigureAwait(false)) continue; // no bundle: the device cannot be reached now
            var encrypted = await cipher.EncryptAsync(distributionMessage).ConfigureAwait(false);
            anyPreKey |= encrypted.Type == Signal.Messages.SignalMessageType.PreKey;
            distributed.Add(device);
            participants.Add(new BinaryNode("to", [("jid", device.ToString())],
                [new BinaryNode("enc", [("v", "2"), ("type", encrypted.WireType), ("count", retryCount)], (ReadOnlyMemory<byte>)encrypted.Body)]));
        }

        var content = new List<BinaryNode>();
        if (participants.Count > 0) content.Add(new BinaryNode("participants", [], participants.ToArray()));
        content.Add(new BinaryNode("enc", mediaType is null ? [("v", "2"), ("type", "skmsg")] : [("v", "2"), ("type", "skmsg"), ("mediatype", mediaType)],
            (ReadOnlyMemory<byte>)skmsg));
        if (anyPreKey && creds.Account is { } account) content.Add(new BinaryNode("device-identity", [], (ReadOnlyMemory<byte>)account));
        // Like Baileys, a send names the group's addressing when it is known.
        var mode = addressingMode switch { GroupAddressingMode.Lid => "lid", GroupAddressingMode.Pn => "pn", _ => null };
        return new Result(new BinaryNode("message", [("id", id), ("to", group.ToString()), ("type", stanzaType), ("addressing_mode", mode)], content.ToArray()),
            distributed);
    }
}

using Google.Protobuf;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.Signal;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Messages;
using WaCluster.Signal.Sessions;

namespace WaCluster.Simulator.Accounts;

/// <summary>
/// The simulated phone sending a 1:1 message: encrypted per device (the recipient's companions, and a device-sent copy
/// for its own companions), opening Signal sessions from the devices' published bundles when needed.
/// </summary>
internal static class PhoneSender
{
    /// <summary>One device to encrypt for: its address and the bundle to open a session with if there is none.</summary>
    public sealed record Target(SimDevice Device, PreKeyBundle Bundle, bool OwnDevice);

    public static async Task<List<(Target Target, BinaryNode Enc)>> EncryptAsync(PrimaryPhone phone, IReadOnlyList<Target> targets, Jid chat, Message message, Random random)
    {
        var ownCopy = new Message { DeviceSentMessage = new Message.Types.DeviceSentMessage { DestinationJid = chat.ToString(), Message = message } };
        var result = new List<(Target, BinaryNode)>();
        foreach (var target in targets)
        {
            var plaintext = Pad((target.OwnDevice ? ownCopy : message).ToByteArray(), random);
            var address = new ProtocolAddress(target.Device.User.PhoneNumber, target.Device.Id);
            var encrypted = await phone.WithStoreAsync(async store =>
            {
                if (await store.LoadSessionAsync(address) is not { HasOpenSession: true })
                {
                    await new SessionBuilder(store, address).ProcessBundleAsync(target.Bundle);
                }
                return await new SessionCipher(store, address).EncryptAsync(plaintext);
            });
            var type = encrypted.Type == SignalMessageType.PreKey ? "pkmsg" : "msg";
            result.Add((target, new BinaryNode("enc", [("v", "2"), ("type", type)], encrypted.Body)));
        }
        return result;
    }

    public static PreKeyBundle BundleOf(PublishedKeys keys)
    {
        var oneTime = keys.TakeOneTimeKey();
        return new PreKeyBundle(keys.RegistrationId, IdentityKey.FromBytes(keys.IdentityKey), keys.SignedPreKey.Id,
            keys.SignedPreKey.PublicKey, keys.SignedPreKey.Signature, oneTime?.Id, oneTime?.PublicKey);
    }

    /// <summary>Appends n bytes of value n (1 to 16), as WhatsApp clients pad before encrypting.</summary>
    private static byte[] Pad(byte[] bytes, Random random)
    {
        var pad = (byte)random.Next(1, 17);
        var padded = new byte[bytes.Length + pad];
        bytes.CopyTo(padded, 0);
        padded.AsSpan(bytes.Length).Fill(pad);
        return padded;
    }
}

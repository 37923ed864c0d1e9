using WaCluster.Core.Connection;
using WaCluster.Core.Creds;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Signal.Keys;

namespace WaCluster.Core.Messaging;

/// <summary>
/// The retry receipt we send when a message does not decrypt: it asks the sender to encrypt it again and carries our
/// registration id; on later attempts (or when we hold no session with the sender) also a fresh pre-key bundle so the
/// sender can start a new session with us.
/// </summary>
internal static class RetryReceipts
{
    public static BinaryNode Build(BinaryNode failed, AuthCreds creds, int count, PreKeyRecord? freshPreKey)
    {
        var content = new List<BinaryNode>
        {
            new("retry", [("count", count.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("id", failed.GetAttribute("id")),
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

using System.Security.Cryptography;
using Google.Protobuf;
using WaCluster.Core.Creds;
using WaCluster.Core.Pairing;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Proto;

namespace WaCluster.Engine.Tests.Support;

/// <summary>
/// Builds pair-success stanzas the way the primary phone and server do, from the protocol facts alone (ADV prefixes
/// 6,0 / 6,5 and an HMAC under the QR's adv secret), independent of the engine's code.
/// </summary>
internal sealed class FakePhone
{
    public KeyPair AccountKey { get; } = Curve25519.GenerateKeyPair();

    public BinaryNode PairSuccess(AuthCreds creds, string id = "pair-1", uint keyIndex = 3, bool hosted = false,
        Action<ADVSignedDeviceIdentity>? tamperAccount = null, Action<ADVSignedDeviceIdentityHMAC>? tamperWrapper = null,
        string jid = "15550001111:7@s.whatsapp.net", string lid = "99887766:7@lid")
    {
        var deviceDetails = new ADVDeviceIdentity
        {
            RawId = 1234,
            Timestamp = 1_700_000_000,
            KeyIndex = keyIndex,
            DeviceType = hosted ? ADVEncryptionType.Hosted : ADVEncryptionType.E2Ee,
        }.ToByteArray();
        byte[] accountPrefix = hosted ? [6, 5] : [6, 0];
        var account = new ADVSignedDeviceIdentity
        {
            Details = ByteString.CopyFrom(deviceDetails),
            AccountSignatureKey = ByteString.CopyFrom(AccountKey.PublicKey),
            AccountSignature = ByteString.CopyFrom(Curve25519.Sign(AccountKey.PrivateKey,
                [.. accountPrefix, .. deviceDetails, .. creds.SignedIdentityKey.PublicKey])),
        };
        tamperAccount?.Invoke(account);
        var accountBytes = account.ToByteArray();
        byte[] hmacPrefix = hosted ? [6, 5] : [];
        var wrapper = new ADVSignedDeviceIdentityHMAC
        {
            Details = ByteString.CopyFrom(accountBytes),
            Hmac = ByteString.CopyFrom(HMACSHA256.HashData(creds.AdvSecretKey, (byte[])[.. hmacPrefix, .. accountBytes])),
        };
        if (hosted) wrapper.AccountType = ADVEncryptionType.Hosted;
        tamperWrapper?.Invoke(wrapper);
        return new BinaryNode("iq", [("from", "s.whatsapp.net"), ("type", "result"), ("id", id)],
        [
            new BinaryNode("pair-success", [],
            [
                new BinaryNode("device-identity", [], (ReadOnlyMemory<byte>)wrapper.ToByteArray()),
                new BinaryNode("platform", [("name", "android")]),
                new BinaryNode("device", [("jid", jid), ("lid", lid)]),
                new BinaryNode("biz", [("name", "Shop")]),
            ]),
        ]);
    }
}

using System.Security.Cryptography;
using Google.Protobuf;
using WaCluster.Core.Creds;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.Pairing;

/// <summary>What accepting a pair-success yields: the credentials to persist first, then the reply to send.</summary>
public sealed record PairingOutcome(AuthCreds Creds, BinaryNode Reply);

/// <summary>
/// Checks the <c>pair-success</c> the server relays from the phone and signs our side of the device identity:
/// HMAC under our adv secret, then the account's signature over the details and our identity key, then our device
/// signature over details, identity key and the account's signature key.
/// </summary>
public static class PairSuccess
{
    private static ReadOnlySpan<byte> AccountSignaturePrefix => [6, 0];
    private static ReadOnlySpan<byte> DeviceSignaturePrefix => [6, 1];
    private static ReadOnlySpan<byte> HostedAccountSignaturePrefix => [6, 5];

    public static PairingOutcome Process(BinaryNode stanza, AuthCreds creds)
    {
        var pairSuccess = stanza.GetChild("pair-success") ?? throw Malformed("stanza has no <pair-success>");
        var identityNode = pairSuccess.GetChild("device-identity");
        var deviceNode = pairSuccess.GetChild("device");
        if (identityNode is null || deviceNode is null || identityNode.ContentKind != NodeContentKind.Bytes)
        {
            throw Malformed("pair-success lacks <device-identity> bytes or <device>");
        }
        var jid = deviceNode.GetAttribute("jid");
        if (!Jid.TryParse(jid, out var deviceJid) || !deviceJid.IsPnUser)
        {
            throw Malformed($"pair-success <device> has no valid jid ('{jid}')");
        }
        var id = stanza.GetAttribute("id") ?? throw Malformed("pair-success iq has no id");

        var wrapper = Decode(ADVSignedDeviceIdentityHMAC.Parser, identityNode.Bytes.Span, "device identity HMAC wrapper");
        VerifyHmac(wrapper, creds.AdvSecretKey);

        var account = Decode(ADVSignedDeviceIdentity.Parser, wrapper.Details.Span, "signed device identity");
        var deviceIdentity = Decode(ADVDeviceIdentity.Parser, account.Details.Span, "device identity");
        if (!deviceIdentity.HasKeyIndex)
        {
            throw Malformed("device identity has no key index");
        }
        var identityPublic = creds.SignedIdentityKey.PublicKey;
        var accountPrefix = deviceIdentity.DeviceType == ADVEncryptionType.Hosted ? HostedAccountSignaturePrefix : AccountSignaturePrefix;
        if (!VerifyAccountSignature(account, Concat(accountPrefix, account.Details.Span, identityPublic)))
        {
            throw new PairingException(PairingError.BadAccountSignature, "the account signature over our identity does not verify");
        }

        var signed = account.Clone();
        signed.DeviceSignature = ByteString.CopyFrom(Curve25519.Sign(creds.SignedIdentityKey.PrivateKey,
            Concat(DeviceSignaturePrefix, account.Details.Span, identityPublic, account.AccountSignatureKey.Span)));

        // The server gets the identity back without the account's signature key; we keep the full one.
        var forServer = signed.Clone();
        forServer.ClearAccountSignatureKey();
        var reply = new BinaryNode("iq", [("to", Jid.ServerJid.ToString()), ("type", "result"), ("id", id)],
        [
            new BinaryNode("pair-device-sign", [],
            [
                new BinaryNode("device-identity", [("key-index", deviceIdentity.KeyIndex.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                    (ReadOnlyMemory<byte>)forServer.ToByteArray()),
            ]),
        ]);

        var updated = creds with
        {
            Me = new Contact(deviceJid.ToString(), deviceNode.GetAttribute("lid"), pairSuccess.GetChild("biz")?.GetAttribute("name")),
            Account = signed.ToByteArray(),
            Platform = pairSuccess.GetChild("platform")?.GetAttribute("name"),
        };
        return new PairingOutcome(updated, reply);
    }

    private static void VerifyHmac(ADVSignedDeviceIdentityHMAC wrapper, byte[] advSecret)
    {
        var prefix = wrapper.HasAccountType && wrapper.AccountType == ADVEncryptionType.Hosted ? HostedAccountSignaturePrefix : [];
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(advSecret, Concat(prefix, wrapper.Details.Span), expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, wrapper.Hmac.Span))
        {
            throw new PairingException(PairingError.BadHmac, "pair-success HMAC does not match our adv secret");
        }
    }

    private static bool VerifyAccountSignature(ADVSignedDeviceIdentity account, byte[] message)
    {
        try
        {
            return account.AccountSignature.Length == Curve25519.SignatureLength
                && Curve25519.Verify(account.AccountSignatureKey.Span, message, account.AccountSignature.Span);
        }
        catch (CryptoException)
        {
            return false;
        }
    }

    private static T Decode<T>(Google.Protobuf.MessageParser<T> parser, ReadOnlySpan<byte> bytes, string what) where T : IMessage<T>
    {
        try
        {
            return parser.Decode(bytes);
        }
        catch (ProtoDecodeException ex)
        {
            throw new PairingException(PairingError.Malformed, $"pair-success {what} does not decode: {ex.Message}", ex);
        }
    }

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c = default, ReadOnlySpan<byte> d = default)
    {
        var result = new byte[a.Length + b.Length + c.Length + d.Length];
        a.CopyTo(result);
        b.CopyTo(result.AsSpan(a.Length));
        c.CopyTo(result.AsSpan(a.Length + b.Length));
        d.CopyTo(result.AsSpan(a.Length + b.Length + c.Length));
        return result;
    }

    private static PairingException Malformed(string message) => new(PairingError.Malformed, message);
}

using System.Security.Cryptography;
using Google.Protobuf;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Proto;
using WaCluster.Simulator.Accounts;

namespace WaCluster.Simulator.Pairing;

/// <summary>
/// The phone's side of linking a companion (ADV): the account key signs the device identity, the ADV secret from the
/// QR authenticates it with an HMAC, and the companion's counter-signature is checked when it answers.
/// </summary>
public static class AdvSigning
{
    // Domain-separation prefixes: version 6, then 0 for the account signature, 1 for the device signature.
    private static ReadOnlySpan<byte> AccountSignaturePrefix => [6, 0];
    private static ReadOnlySpan<byte> DeviceSignaturePrefix => [6, 1];

    /// <summary>The ADVSignedDeviceIdentityHMAC bytes the pair-success stanza carries.</summary>
    public static byte[] SignCompanion(SimUser user, uint keyIndex, byte[] companionIdentityKey, byte[] advSecret, long timestamp)
    {
        var details = new ADVDeviceIdentity { RawId = user.AdvRawId, Timestamp = (ulong)timestamp, KeyIndex = keyIndex }.ToByteArray();
        var signed = new ADVSignedDeviceIdentity
        {
            Details = ByteString.CopyFrom(details),
            AccountSignatureKey = ByteString.CopyFrom(user.Phone.AccountKey.PublicKey),
            AccountSignature = ByteString.CopyFrom(Curve25519.Sign(user.Phone.AccountKey.PrivateKey, [.. AccountSignaturePrefix, .. details, .. companionIdentityKey])),
        }.ToByteArray();
        return new ADVSignedDeviceIdentityHMAC
        {
            Details = ByteString.CopyFrom(signed),
            Hmac = ByteString.CopyFrom(HMACSHA256.HashData(advSecret, signed)),
        }.ToByteArray();
    }

    /// <summary>
    /// Checks the companion's pair-device-sign answer: the same details the phone signed, the account signature intact,
    /// and a device signature by the companion's identity key over details, identity and account key.
    /// </summary>
    public static void VerifyCompanionSignature(SimUser user, byte[] sentHmacContainer, ReadOnlySpan<byte> answer, byte[] companionIdentityKey)
    {
        ADVSignedDeviceIdentity signed;
        try
        {
            signed = ADVSignedDeviceIdentity.Parser.ParseFrom(answer);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new SimulatorException("pair-device-sign device-identity is not an ADVSignedDeviceIdentity");
        }
        var sent = ADVSignedDeviceIdentity.Parser.ParseFrom(ADVSignedDeviceIdentityHMAC.Parser.ParseFrom(sentHmacContainer).Details);
        if (!signed.Details.Equals(sent.Details) || !signed.AccountSignature.Equals(sent.AccountSignature))
        {
            throw new SimulatorException("pair-device-sign does not carry the device identity the phone signed");
        }
        var message = (byte[])[.. DeviceSignaturePrefix, .. signed.Details.Span, .. companionIdentityKey, .. user.Phone.AccountKey.PublicKey];
        if (!signed.HasDeviceSignature || signed.DeviceSignature.Length != Curve25519.SignatureLength
            || !Curve25519.Verify(companionIdentityKey, message, signed.DeviceSignature.Span))
        {
            throw new SimulatorException("pair-device-sign device signature does not verify");
        }
    }
}

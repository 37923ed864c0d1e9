using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Proto;

namespace WaCluster.TestSupport.Companions;

/// <summary>
/// A new companion device linked the way a real one is, with our own protocol code: it opens a connection with
/// <see cref="Payload"/> (fresh identity and signed pre-key), the phone scans the QR built from the server's pair-device
/// ref, and it counter-signs the ADV identity that pair-success brings. Afterwards it logs in with <see cref="NoiseKey"/>.
/// </summary>
public sealed class CompanionRegistration
{
    private static ReadOnlySpan<byte> DeviceSignaturePrefix => [6, 1];

    private readonly KeyPair _identity = Curve25519.GenerateKeyPair();
    private readonly byte[] _advSecret = RandomNumberGenerator.GetBytes(32);

    public CompanionRegistration() => Payload = RegistrationPayload(_identity);

    /// <summary>The static Noise key the device registers with and logs in with later.</summary>
    public KeyPair NoiseKey { get; } = Curve25519.GenerateKeyPair();

    /// <summary>The client payload of the registering connection's handshake.</summary>
    public ClientPayload Payload { get; }

    /// <summary>
    /// Links over <paramref name="registering"/> (handshaken with <see cref="Payload"/>): <paramref name="scan"/> has the
    /// phone scan the QR text and completes when the server has linked the device; its result is returned.
    /// </summary>
    public async Task<TLinked> LinkAsync<TLinked>(INodeConnection registering, Func<string, Task<TLinked>> scan,
        CancellationToken cancellationToken = default)
    {
        var offer = await registering.ReceiveNodeAsync(cancellationToken) ?? throw new InvalidOperationException("no pair-device offer");
        var reference = Encoding.UTF8.GetString(offer.RequireChild("pair-device").GetChildren("ref").First().Bytes.Span);
        var scanned = scan(string.Join(',', reference, Convert.ToBase64String(NoiseKey.PublicKey), Convert.ToBase64String(_identity.PublicKey),
            Convert.ToBase64String(_advSecret)));
        BinaryNode success;
        do
        {
            success = await registering.ReceiveNodeAsync(cancellationToken) ?? throw new InvalidOperationException("no pair-success");
        }
        while (success.GetChild("pair-success") is null);
        await registering.SendNodeAsync(SignedIdentityReply(success), cancellationToken);
        return await scanned;
    }

    /// <summary>A registration payload for <paramref name="identity"/> with a fresh signed pre-key.</summary>
    public static ClientPayload RegistrationPayload(KeyPair identity)
    {
        var signedPreKey = Curve25519.GenerateKeyPair();
        return new ClientPayload
        {
            Passive = false,
            DevicePairingData = new ClientPayload.Types.DevicePairingRegistrationData
            {
                ERegid = ByteString.CopyFrom(0, 0, 1, 2),
                EKeytype = ByteString.CopyFrom(Curve25519.DjbKeyType),
                EIdent = ByteString.CopyFrom(identity.PublicKey),
                ESkeyId = ByteString.CopyFrom(0, 0, 1),
                ESkeyVal = ByteString.CopyFrom(signedPreKey.PublicKey),
                ESkeySig = ByteString.CopyFrom(Curve25519.Sign(identity.PrivateKey, signedPreKey.PrefixedPublicKey)),
            },
        };
    }

    // The answer to pair-success: the ADV identity it carries, counter-signed by our identity key, without the account key.
    private BinaryNode SignedIdentityReply(BinaryNode success)
    {
        var container = ADVSignedDeviceIdentityHMAC.Parser.ParseFrom(success.RequireChild("pair-success").RequireChild("device-identity").Bytes.Span);
        var signed = ADVSignedDeviceIdentity.Parser.ParseFrom(container.Details);
        var keyIndex = ADVDeviceIdentity.Parser.ParseFrom(signed.Details).KeyIndex;
        signed.DeviceSignature = ByteString.CopyFrom(Curve25519.Sign(_identity.PrivateKey,
            [.. DeviceSignaturePrefix, .. signed.Details.Span, .. _identity.PublicKey, .. signed.AccountSignatureKey.Span]));
        signed.ClearAccountSignatureKey();
        return new BinaryNode("iq", [("to", "s.whatsapp.net"), ("type", "result"), ("id", success["id"])],
            [new BinaryNode("pair-device-sign", [], [new BinaryNode("device-identity", [("key-index", keyIndex.ToString(CultureInfo.InvariantCulture))], signed.ToByteArray())])]);
    }
}

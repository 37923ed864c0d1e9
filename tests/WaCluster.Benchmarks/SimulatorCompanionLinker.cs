using System.Globalization;
using System.Text;
using Google.Protobuf;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Protocol.Proto;
using WaCluster.Simulator;

namespace WaCluster.Benchmarks;

/// <summary>A linked companion device: what a client keeps to log in again.</summary>
internal sealed record SimulatorCompanion(string Phone, uint Device, KeyPair NoiseKey)
{
    // One line per companion on the load client's stdin; carries the private Noise key, so it never goes to a log.
    public string ToLine() => string.Join(' ', Phone, Device.ToString(CultureInfo.InvariantCulture),
        Convert.ToBase64String(NoiseKey.PrivateKey), Convert.ToBase64String(NoiseKey.PublicKey));

    public static SimulatorCompanion Parse(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length != 4) throw new FormatException("companion line needs phone, device, private and public Noise key");
        return new SimulatorCompanion(parts[0], uint.Parse(parts[1], CultureInfo.InvariantCulture),
            new KeyPair(Convert.FromBase64String(parts[3]), Convert.FromBase64String(parts[2])));
    }

    public override string ToString() => $"{Phone}:{Device}";
}

/// <summary>
/// Links companions the way a real one is linked: it registers over the chat socket, the simulated phone scans its QR
/// (the simulator's in-process control call), and it counter-signs the ADV identity it is sent.
/// </summary>
internal static class SimulatorCompanionLinker
{
    private static ReadOnlySpan<byte> DeviceSignaturePrefix => [6, 1];

    public static async Task<SimulatorCompanion> LinkAsync(SimulatorHost host, CertificateChainVerifier verifier, CancellationToken token)
    {
        var noiseKey = Curve25519.GenerateKeyPair();
        var identity = Curve25519.GenerateKeyPair();
        var advSecret = new byte[32];
        Random.Shared.NextBytes(advSecret);
        await using var registering = await SimulatorSocket.ConnectAsync(host.ChatUri, verifier, noiseKey, RegistrationPayload(identity), null, token);
        var offer = await registering.ReceiveNodeAsync(token) ?? throw new InvalidOperationException("no pair-device offer");
        var reference = Encoding.UTF8.GetString(offer.RequireChild("pair-device").GetChildren("ref").First().Bytes.Span);
        var qr = string.Join(',', reference, Convert.ToBase64String(noiseKey.PublicKey), Convert.ToBase64String(identity.PublicKey), Convert.ToBase64String(advSecret));
        var scan = host.Simulator.ScanAsync(qr, cancellationToken: token);
        var success = await registering.ReceiveUntilAsync(n => n.GetChild("pair-success") is not null, token) ?? throw new InvalidOperationException("no pair-success");
        var container = ADVSignedDeviceIdentityHMAC.Parser.ParseFrom(success.RequireChild("pair-success").RequireChild("device-identity").Bytes.Span);
        var signed = ADVSignedDeviceIdentity.Parser.ParseFrom(container.Details);
        var keyIndex = ADVDeviceIdentity.Parser.ParseFrom(signed.Details).KeyIndex;
        signed.DeviceSignature = ByteString.CopyFrom(Curve25519.Sign(identity.PrivateKey,
            [.. DeviceSignaturePrefix, .. signed.Details.Span, .. identity.PublicKey, .. signed.AccountSignatureKey.Span]));
        signed.ClearAccountSignatureKey();
        await registering.SendNodeAsync(new BinaryNode("iq", [("to", "s.whatsapp.net"), ("type", "result"), ("id", success["id"])],
            [new BinaryNode("pair-device-sign", [], [new BinaryNode("device-identity", [("key-index", keyIndex.ToString(CultureInfo.InvariantCulture))], signed.ToByteArray())])]), token);
        var account = await scan;
        var device = uint.Parse(account.DeviceJid!.Split(':', '@')[1], CultureInfo.InvariantCulture);
        return new SimulatorCompanion(account.Phone, device, noiseKey);
    }

    private static ClientPayload RegistrationPayload(KeyPair identity)
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
}

using System.Buffers.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Proto;
using WaCluster.Simulator.Accounts;

namespace WaCluster.Simulator.Pairing;

/// <summary>The keys a fresh companion announces in its registration ClientPayload (devicePairingData), checked.</summary>
public sealed record CompanionRegistration(byte[] NoiseKey, PublishedKeys Keys, string Platform)
{
    /// <summary>The companion asked for its phone's full history (DeviceProps.requireFullSync), not only the recent window.</summary>
    public bool RequireFullSync { get; init; }

    public static CompanionRegistration FromPayload(ClientPayload.Types.DevicePairingRegistrationData data, byte[] noiseKey)
    {
        var registration = Exact(data.ERegid.Span, 4, "eRegid");
        var keyType = Exact(data.EKeytype.Span, 1, "eKeytype");
        if (keyType[0] != Curve25519.DjbKeyType) throw new SimulatorException($"eKeytype {keyType[0]} is not the Curve25519 type 5");
        var identity = Exact(data.EIdent.Span, 32, "eIdent").ToArray();
        var signedId = Exact(data.ESkeyId.Span, 3, "eSkeyId");
        var signedKey = Exact(data.ESkeyVal.Span, 32, "eSkeyVal").ToArray();
        var signature = Exact(data.ESkeySig.Span, 64, "eSkeySig").ToArray();
        if (!Curve25519.Verify(identity, Curve25519.Prefixed(signedKey), signature))
        {
            throw new SimulatorException("signed pre-key signature does not verify with the identity key");
        }
        var keys = new PublishedKeys(
            BinaryPrimitives.ReadUInt32BigEndian(registration),
            identity,
            new SignedPreKey(ReadUInt24(signedId), signedKey, signature));
        var props = Props(data);
        return new CompanionRegistration(noiseKey, keys, props is { HasPlatformType: true } ? props.PlatformType.ToString().ToLowerInvariant() : "unknown")
        {
            RequireFullSync = props?.RequireFullSync ?? false,
        };
    }

    internal static uint ReadUInt24(ReadOnlySpan<byte> bytes) => (uint)(bytes[0] << 16 | bytes[1] << 8 | bytes[2]);

    private static ReadOnlySpan<byte> Exact(ReadOnlySpan<byte> value, int length, string what) =>
        value.Length == length ? value : throw new SimulatorException($"{what} has {value.Length} bytes, expected {length}");

    private static DeviceProps? Props(ClientPayload.Types.DevicePairingRegistrationData data)
    {
        try
        {
            return DeviceProps.Parser.ParseFrom(data.DeviceProps);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }
}

using System.Security.Cryptography;
using Google.Protobuf;
using WaCluster.Core.Proto;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Proto;
using WaCluster.Signal.Keys;

namespace WaCluster.Core.Creds;

/// <summary>
/// An account's credentials (Baileys' AuthenticationCreds): the keys that identify this companion device and what
/// pairing and login taught us. Immutable: every change is a new instance that the caller persists
/// (<see cref="ToByteArray"/>). ToString never shows a private key or the adv secret.
/// </summary>
public sealed record AuthCreds
{
    private const uint FormatVersion = 1;
    public const int AdvSecretLength = 32;

    public required KeyPair NoiseKey { get; init; }

    /// <summary>Ephemeral key of the pairing-code flow; unused by QR pairing.</summary>
    public required KeyPair PairingEphemeralKey { get; init; }

    /// <summary>The Signal identity of this device (raw 32-byte public key).</summary>
    public required KeyPair SignedIdentityKey { get; init; }

    public required SignedPreKeyRecord SignedPreKey { get; init; }

    public required uint RegistrationId { get; init; }

    /// <summary>Secret shown in the QR; the phone MACs the pair-success identity with it.</summary>
    public required byte[] AdvSecretKey { get; init; }

    public Contact? Me { get; init; }

    /// <summary>The ADVSignedDeviceIdentity bytes accepted at pairing, with our device signature.</summary>
    public byte[]? Account { get; init; }

    public string? Platform { get; init; }

    /// <summary>Id of the next pre-key to generate.</summary>
    public uint NextPreKeyId { get; init; } = 1;

    /// <summary>Pre-keys from this id on are generated but not yet acknowledged by the server.</summary>
    public uint FirstUnuploadedPreKeyId { get; init; } = 1;

    /// <summary>True once a pairing-code link was finished from our side (Baileys' <c>registered</c>).</summary>
    public bool Registered { get; init; }

    /// <summary>Edge routing info the server gave us; sent in the intro of later connections.</summary>
    public byte[]? RoutingInfo { get; init; }

    /// <summary>True once pairing succeeded: the next connections log in instead of registering.</summary>
    public bool IsPaired => Me is not null && Account is not null;

    public IdentityKeyPair IdentityKeyPair => new(IdentityKey.FromBytes(SignedIdentityKey.PublicKey), SignedIdentityKey.PrivateKey);

    /// <summary>Fresh credentials for a device that has never been linked (what Baileys' initAuthCreds makes).</summary>
    public static AuthCreds CreateNew()
    {
        var identity = KeyHelper.GenerateIdentityKeyPair();
        return new AuthCreds
        {
            NoiseKey = Curve25519.GenerateKeyPair(),
            PairingEphemeralKey = Curve25519.GenerateKeyPair(),
            SignedIdentityKey = new KeyPair(identity.PublicKey.Serialize()[1..], identity.PrivateKey),
            SignedPreKey = KeyHelper.GenerateSignedPreKey(identity, 1),
            RegistrationId = KeyHelper.GenerateRegistrationId(),
            AdvSecretKey = RandomNumberGenerator.GetBytes(AdvSecretLength),
        };
    }

    public byte[] ToByteArray()
    {
        var structure = new AuthCredsStructure
        {
            Version = FormatVersion,
            NoiseKey = ToStructure(NoiseKey),
            PairingEphemeralKey = ToStructure(PairingEphemeralKey),
            SignedIdentityKey = ToStructure(SignedIdentityKey),
            SignedPreKey = new SignedPreKeyStructure
            {
                KeyId = SignedPreKey.Id,
                KeyPair = ToStructure(SignedPreKey.KeyPair),
                Signature = ByteString.CopyFrom(SignedPreKey.Signature),
            },
            RegistrationId = RegistrationId,
            AdvSecretKey = ByteString.CopyFrom(AdvSecretKey),
            Me = Me is null ? null : new ContactStructure { Id = Me.Id, Lid = Me.Lid ?? string.Empty, Name = Me.Name ?? string.Empty },
            Account = Account is null ? ByteString.Empty : ByteString.CopyFrom(Account),
            Platform = Platform ?? string.Empty,
            NextPreKeyId = NextPreKeyId,
            FirstUnuploadedPreKeyId = FirstUnuploadedPreKeyId,
            Registered = Registered,
            RoutingInfo = RoutingInfo is null ? ByteString.Empty : ByteString.CopyFrom(RoutingInfo),
        };
        return structure.ToByteArray();
    }

    public static AuthCreds Parse(ReadOnlySpan<byte> bytes)
    {
        AuthCredsStructure structure;
        try
        {
            structure = AuthCredsStructure.Parser.Decode(bytes);
        }
        catch (ProtoDecodeException ex)
        {
            throw new CredsFormatException("credentials are not a valid record: " + ex.Message, ex);
        }
        if (structure.Version != FormatVersion)
        {
            throw new CredsFormatException($"credentials format version {structure.Version} is not {FormatVersion}");
        }
        var signed = structure.SignedPreKey ?? throw new CredsFormatException("credentials lack the signed pre-key");
        return new AuthCreds
        {
            NoiseKey = FromStructure(structure.NoiseKey, "noise key"),
            PairingEphemeralKey = FromStructure(structure.PairingEphemeralKey, "pairing ephemeral key"),
            SignedIdentityKey = FromStructure(structure.SignedIdentityKey, "identity key"),
            SignedPreKey = new SignedPreKeyRecord(signed.KeyId, FromStructure(signed.KeyPair, "signed pre-key"),
                RequireLength(signed.Signature, Curve25519.SignatureLength, "signed pre-key signature"), DateTimeOffset.UnixEpoch),
            RegistrationId = structure.RegistrationId,
            AdvSecretKey = RequireLength(structure.AdvSecretKey, AdvSecretLength, "adv secret"),
            Me = structure.Me is { } me ? new Contact(me.Id, NullIfEmpty(me.Lid), NullIfEmpty(me.Name)) : null,
            Account = structure.Account.IsEmpty ? null : structure.Account.ToByteArray(),
            Platform = NullIfEmpty(structure.Platform),
            NextPreKeyId = structure.NextPreKeyId,
            FirstUnuploadedPreKeyId = structure.FirstUnuploadedPreKeyId,
            Registered = structure.Registered,
            RoutingInfo = structure.RoutingInfo.IsEmpty ? null : structure.RoutingInfo.ToByteArray(),
        };
    }

    public override string ToString() =>
        $"AuthCreds(me {Me?.Id ?? "none"}, lid {Me?.Lid ?? "none"}, registration {RegistrationId}, noise {Convert.ToHexString(NoiseKey.PublicKey)}, " +
        $"identity {Convert.ToHexString(SignedIdentityKey.PublicKey)}, next pre-key {NextPreKeyId}, registered {Registered})";

    private static KeyPairStructure ToStructure(KeyPair pair) => new()
    {
        PublicKey = ByteString.CopyFrom(pair.PublicKey),
        PrivateKey = ByteString.CopyFrom(pair.PrivateKey),
    };

    private static KeyPair FromStructure(KeyPairStructure? structure, string what) =>
        structure is null
            ? throw new CredsFormatException($"credentials lack the {what}")
            : new KeyPair(RequireLength(structure.PublicKey, Curve25519.KeyLength, what + " public key"),
                RequireLength(structure.PrivateKey, Curve25519.KeyLength, what + " private key"));

    private static byte[] RequireLength(ByteString value, int length, string what) =>
        value.Length == length ? value.ToByteArray() : throw new CredsFormatException($"{what} has {value.Length} bytes, not {length}");

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

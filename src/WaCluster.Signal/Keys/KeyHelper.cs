using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;

namespace WaCluster.Signal.Keys;

/// <summary>Generators for the keys a device owns, with libsignal's and WhatsApp's ranges.</summary>
public static class KeyHelper
{
    /// <summary>Registration ids are 14-bit, as libsignal and Baileys draw them.</summary>
    public const uint RegistrationIdMask = 0x3FFF;

    /// <summary>Pre-key ids travel as 3 bytes on WhatsApp, so they wrap below 2^24.</summary>
    public const uint MaxPreKeyId = 0xFFFFFF;

    public static IdentityKeyPair GenerateIdentityKeyPair() => IdentityKeyPair.Generate();

    public static uint GenerateRegistrationId() =>
        BitConverter.ToUInt16(RandomNumberGenerator.GetBytes(2)) & RegistrationIdMask;

    /// <summary><paramref name="count"/> pre-keys with consecutive ids from <paramref name="startId"/>, wrapping 2^24-1 to 1.</summary>
    public static IReadOnlyList<PreKeyRecord> GeneratePreKeys(uint startId, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var keys = new PreKeyRecord[count];
        for (var i = 0; i < count; i++)
        {
            var id = (uint)((startId - 1 + (ulong)i) % MaxPreKeyId) + 1;
            keys[i] = new PreKeyRecord(id, Curve25519.GenerateKeyPair());
        }
        return keys;
    }

    public static SignedPreKeyRecord GenerateSignedPreKey(IdentityKeyPair identity, uint id)
    {
        var pair = Curve25519.GenerateKeyPair();
        var signature = Curve25519.Sign(identity.PrivateKey, pair.PrefixedPublicKey);
        return new SignedPreKeyRecord(id, pair, signature, DateTimeOffset.UtcNow);
    }
}

using System.Security.Cryptography;
using System.Text;
using WaCluster.Protocol.Crypto;

namespace WaCluster.Simulator.Pairing;

/// <summary>
/// Key handling of pairing-code linking: ephemeral keys travel wrapped under a key stretched from the 8-character
/// code; the companion's key bundle is sealed under a key from the ephemeral agreement; the ADV secret comes from
/// both agreements and the companion's random.
/// </summary>
internal static class LinkCodeCrypto
{
    public const int SaltLength = 32;
    public const int CtrIvLength = 16;
    public const int WrappedKeyLength = SaltLength + CtrIvLength + Curve25519.KeyLength;
    private const int CodeIterations = 2 << 16;
    private const int RandomLength = 32;

    public static byte[] CodeKey(string code, ReadOnlySpan<byte> salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(code), salt, CodeIterations, HashAlgorithmName.SHA256, 32);

    public static byte[] Unwrap(string code, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length != WrappedKeyLength) throw new SimulatorException($"wrapped ephemeral key has {wrapped.Length} bytes, expected {WrappedKeyLength}");
        var key = CodeKey(code, wrapped[..SaltLength]);
        return AesCtrCipher.Transform(key, wrapped.Slice(SaltLength, CtrIvLength), wrapped[(SaltLength + CtrIvLength)..]);
    }

    public static byte[] Wrap(string code, ReadOnlySpan<byte> publicKey)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var iv = RandomNumberGenerator.GetBytes(CtrIvLength);
        return [.. salt, .. iv, .. AesCtrCipher.Transform(CodeKey(code, salt), iv, publicKey)];
    }

    /// <summary>
    /// Opens the companion's key bundle (salt ‖ 12-byte iv ‖ AES-GCM of companion identity ‖ primary identity ‖ random)
    /// and returns the ADV secret both sides derive from it.
    /// </summary>
    public static byte[] OpenKeyBundle(ReadOnlySpan<byte> bundle, byte[] companionEphemeral, KeyPair primaryEphemeral, KeyPair primaryIdentity, byte[] companionIdentity)
    {
        const int headerLength = SaltLength + AesGcmCipher.NonceLength;
        const int plaintextLength = 2 * Curve25519.KeyLength + RandomLength;
        if (bundle.Length != headerLength + plaintextLength + AesGcmCipher.TagLength)
        {
            throw new SimulatorException($"wrapped key bundle has {bundle.Length} bytes");
        }
        var ephemeralShared = Curve25519.Agreement(companionEphemeral, primaryEphemeral.PrivateKey);
        var bundleKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, ephemeralShared, 32, bundle[..SaltLength].ToArray(),
            "link_code_pairing_key_bundle_encryption_key"u8.ToArray());
        var plaintext = AesGcmCipher.Decrypt(bundleKey, bundle.Slice(SaltLength, AesGcmCipher.NonceLength), bundle[headerLength..], []);
        if (!plaintext.AsSpan(0, Curve25519.KeyLength).SequenceEqual(companionIdentity)
            || !plaintext.AsSpan(Curve25519.KeyLength, Curve25519.KeyLength).SequenceEqual(primaryIdentity.PublicKey))
        {
            throw new SimulatorException("key bundle names other identity keys than the pairing parties");
        }
        var identityShared = Curve25519.Agreement(companionIdentity, primaryIdentity.PrivateKey);
        byte[] secretInput = [.. ephemeralShared, .. identityShared, .. plaintext.AsSpan(2 * Curve25519.KeyLength)];
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, secretInput, 32, [], "adv_secret"u8.ToArray());
    }
}

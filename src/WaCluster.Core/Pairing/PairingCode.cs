using System.Security.Cryptography;
using System.Text;
using WaCluster.Core.Connection;
using WaCluster.Core.Iq;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Pairing;

/// <summary>
/// Linking by an 8-character code typed on the phone instead of a QR scan. Both sides wrap a fresh Curve25519
/// ephemeral with a key stretched from the code (PBKDF2-SHA256, 2^17 rounds, AES-256-CTR); our finish message
/// proves our identity to the phone and derives the adv secret that later MACs the pair-success.
/// </summary>
public static class PairingCode
{
    public const int Length = 8;
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";
    private const int KeyStretchIterations = 2 << 16;
    private const int SaltLength = 32;
    private const int CounterLength = 16;
    private const int WrappedLength = SaltLength + CounterLength + Curve25519.KeyLength;
    private static readonly byte[] BundleKeyInfo = Encoding.ASCII.GetBytes("link_code_pairing_key_bundle_encryption_key");
    private static readonly byte[] AdvSecretInfo = Encoding.ASCII.GetBytes("adv_secret");

    /// <summary>A random code: 5 random bytes as 8 base-32 characters of an alphabet without 0, O, I and U.</summary>
    public static string Generate()
    {
        Span<byte> random = stackalloc byte[5];
        RandomNumberGenerator.Fill(random);
        return FromBytes(random);
    }

    internal static string FromBytes(ReadOnlySpan<byte> random)
    {
        ulong bits = 0;
        foreach (var b in random) bits = bits << 8 | b;
        var code = new char[Length];
        for (var i = 0; i < Length; i++) code[i] = Alphabet[(int)(bits >> (35 - 5 * i)) & 31];
        return new string(code);
    }

    public static void Validate(string code)
    {
        if (code.Length != Length || code.Any(c => !Alphabet.Contains(c, StringComparison.Ordinal)))
        {
            throw new PairingException(PairingError.Malformed, $"a pairing code is {Length} characters of {Alphabet}");
        }
    }

    /// <summary><c>salt ‖ counter ‖ AES-CTR(key from code and salt, public key)</c>.</summary>
    public static byte[] Wrap(string code, ReadOnlySpan<byte> publicKey)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var counter = RandomNumberGenerator.GetBytes(CounterLength);
        return [.. salt, .. counter, .. AesCtrCipher.Transform(StretchCode(code, salt), counter, publicKey)];
    }

    public static byte[] Unwrap(string code, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length < WrappedLength)
        {
            throw new PairingException(PairingError.Malformed, $"wrapped ephemeral key has {wrapped.Length} bytes, needs {WrappedLength}");
        }
        var key = StretchCode(code, wrapped[..SaltLength]);
        return AesCtrCipher.Transform(key, wrapped.Slice(SaltLength, CounterLength), wrapped.Slice(SaltLength + CounterLength, Curve25519.KeyLength));
    }

    /// <summary>The result of the phone's primary_hello: the adv secret to persist and the finish iq to send after.</summary>
    public sealed record Finish(byte[] AdvSecret, CompanionFinishSpec Request);

    /// <summary>
    /// Answers the phone's primary_hello: agree on a key with its ephemeral, encrypt our identity, its identity and
    /// 32 random bytes to it, and derive the adv secret from both agreements and that randomness.
    /// </summary>
    public static Finish CompanionFinish(BinaryNode notification, string code, KeyPair pairingEphemeral, KeyPair identity, Jid phone)
    {
        var registration = notification.GetChild("link_code_companion_reg") ?? throw Malformed("notification has no <link_code_companion_reg>");
        var reference = RequireBytes(registration, "link_code_pairing_ref");
        var primaryIdentity = RequireBytes(registration, "primary_identity_pub");
        var primaryEphemeral = Unwrap(code, RequireBytes(registration, "link_code_pairing_wrapped_primary_ephemeral_pub"));
        if (primaryIdentity.Length != Curve25519.KeyLength) throw Malformed("primary identity key is not 32 bytes");

        byte[] companionShared, identityShared;
        try
        {
            companionShared = Curve25519.Agreement(primaryEphemeral, pairingEphemeral.PrivateKey);
            identityShared = Curve25519.Agreement(primaryIdentity, identity.PrivateKey);
        }
        catch (CryptoException ex)
        {
            throw new PairingException(PairingError.Malformed, "the phone's pairing keys are unusable: " + ex.Message, ex);
        }
        var random = RandomNumberGenerator.GetBytes(32);
        var bundleSalt = RandomNumberGenerator.GetBytes(32);
        var bundleKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, companionShared, 32, bundleSalt, BundleKeyInfo);
        var nonce = RandomNumberGenerator.GetBytes(AesGcmCipher.NonceLength);
        var bundle = AesGcmCipher.Encrypt(bundleKey, nonce, [.. identity.PublicKey, .. primaryIdentity, .. random], []);
        byte[] wrappedBundle = [.. bundleSalt, .. nonce, .. bundle];
        var advSecret = HKDF.DeriveKey(HashAlgorithmName.SHA256, [.. companionShared, .. identityShared, .. random], 32, [], AdvSecretInfo);

        return new Finish(advSecret, new CompanionFinishSpec(phone, wrappedBundle, identity.PublicKey, reference));
    }

    private static byte[] StretchCode(string code, ReadOnlySpan<byte> salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(code), salt, KeyStretchIterations, HashAlgorithmName.SHA256, 32);

    private static byte[] RequireBytes(BinaryNode parent, string tag) =>
        parent.GetChild(tag) switch
        {
            { ContentKind: NodeContentKind.Bytes } child => child.Bytes.ToArray(),
            { ContentKind: NodeContentKind.Text } child => Encoding.UTF8.GetBytes(child.Text!),
            _ => throw Malformed($"primary_hello lacks <{tag}>"),
        };

    private static PairingException Malformed(string message) => new(PairingError.Malformed, message);
}

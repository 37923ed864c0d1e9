using System.Buffers;
using System.Security.Cryptography;

namespace WaCluster.Protocol.Crypto;

/// <summary>
/// X25519 agreement and the Curve25519 signatures libsignal makes (XEdDSA-style: an Ed25519 signature by the
/// Montgomery private key, the Edwards sign bit carried in the top bit of the last signature byte).
/// Signing follows libsignal-node's deterministic nonce, so equal inputs give byte-identical signatures.
/// </summary>
public static unsafe class Curve25519
{
    public const int KeyLength = 32;
    public const int SignatureLength = 64;

    /// <summary>The key type byte libsignal prefixes to Curve25519 public keys ("DJB" type).</summary>
    public const byte DjbKeyType = 0x05;

    public static KeyPair GenerateKeyPair()
    {
        var privateKey = RandomNumberGenerator.GetBytes(KeyLength);
        Clamp(privateKey);
        return new KeyPair(PublicKeyOf(privateKey), privateKey);
    }

    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        RequireLength(privateKey, KeyLength, "private key");
        Sodium.EnsureInitialised();
        var publicKey = new byte[KeyLength];
        fixed (byte* q = publicKey)
        fixed (byte* n = privateKey)
        {
            if (Sodium.crypto_scalarmult_curve25519_base(q, n) != 0)
            {
                throw new CryptoException("private key gives no public key");
            }
        }
        return publicKey;
    }

    /// <summary>X25519 shared secret; accepts the public key raw (32 bytes) or prefixed (33 bytes).</summary>
    public static byte[] Agreement(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> privateKey)
    {
        var shared = new byte[KeyLength];
        Agreement(publicKey, privateKey, shared);
        return shared;
    }

    public static void Agreement(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> privateKey, Span<byte> shared)
    {
        var raw = Raw(publicKey);
        RequireLength(privateKey, KeyLength, "private key");
        RequireLength(shared, KeyLength, "shared secret buffer");
        Sodium.EnsureInitialised();
        fixed (byte* q = shared)
        fixed (byte* n = privateKey)
        fixed (byte* p = raw)
        {
            // libsodium refuses low-order points (an all-zero secret): such a key is an attack, not a peer.
            if (Sodium.crypto_scalarmult_curve25519(q, n, p) != 0)
            {
                throw new CryptoException("public key is of low order");
            }
        }
    }

    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        RequireLength(privateKey, KeyLength, "private key");
        Sodium.EnsureInitialised();
        Span<byte> scalar = stackalloc byte[KeyLength];
        privateKey.CopyTo(scalar);
        Clamp(scalar);

        Span<byte> edwardsPublic = stackalloc byte[KeyLength];
        ScalarMultBase(scalar, edwardsPublic);
        var signBit = (byte)(edwardsPublic[31] & 0x80);

        Span<byte> nonce = stackalloc byte[KeyLength];
        HashReduce(scalar, ReadOnlySpan<byte>.Empty, message, nonce);

        var signature = new byte[SignatureLength];
        var r = signature.AsSpan(0, 32);
        ScalarMultBase(nonce, r);

        Span<byte> challenge = stackalloc byte[KeyLength];
        HashReduce(r, edwardsPublic, message, challenge);

        Span<byte> wide = stackalloc byte[64];
        scalar.CopyTo(wide);
        Span<byte> reducedScalar = stackalloc byte[KeyLength];
        Span<byte> product = stackalloc byte[KeyLength];
        fixed (byte* w = wide)
        fixed (byte* a = reducedScalar)
        fixed (byte* h = challenge)
        fixed (byte* rn = nonce)
        fixed (byte* hp = product)
        fixed (byte* s = signature.AsSpan(32))
        {
            Sodium.crypto_core_ed25519_scalar_reduce(a, w);
            Sodium.crypto_core_ed25519_scalar_mul(hp, h, a);
            Sodium.crypto_core_ed25519_scalar_add(s, rn, hp);
        }
        signature[63] |= signBit;
        scalar.Clear();
        reducedScalar.Clear();
        nonce.Clear();
        return signature;
    }

    /// <summary>True when <paramref name="signature"/> is a valid signature of <paramref name="message"/> by the key.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        var raw = Raw(publicKey);
        if (signature.Length != SignatureLength)
        {
            return false;
        }
        Span<byte> edwardsPublic = stackalloc byte[KeyLength];
        if (!MontgomeryToEdwards(raw, edwardsPublic))
        {
            return false;
        }
        edwardsPublic[31] |= (byte)(signature[63] & 0x80);
        Span<byte> edSignature = stackalloc byte[SignatureLength];
        signature.CopyTo(edSignature);
        edSignature[63] &= 0x7F;
        Sodium.EnsureInitialised();
        fixed (byte* sig = edSignature)
        fixed (byte* m = message)
        fixed (byte* pk = edwardsPublic)
        {
            return Sodium.crypto_sign_ed25519_verify_detached(sig, m, (ulong)message.Length, pk) == 0;
        }
    }

    public static byte[] Prefixed(ReadOnlySpan<byte> rawPublicKey)
    {
        RequireLength(rawPublicKey, KeyLength, "public key");
        var prefixed = new byte[KeyLength + 1];
        prefixed[0] = DjbKeyType;
        rawPublicKey.CopyTo(prefixed.AsSpan(1));
        return prefixed;
    }

    /// <summary>The 32 key bytes of a public key given raw or with libsignal's type byte.</summary>
    public static ReadOnlySpan<byte> Raw(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length == KeyLength + 1 && publicKey[0] == DjbKeyType)
        {
            return publicKey[1..];
        }
        if (publicKey.Length == KeyLength)
        {
            return publicKey;
        }
        throw new CryptoException($"invalid public key: {publicKey.Length} bytes" +
            (publicKey.Length == KeyLength + 1 ? $", type byte {publicKey[0]}" : string.Empty));
    }

    private static void Clamp(Span<byte> scalar)
    {
        scalar[0] &= 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
    }

    private static void ScalarMultBase(ReadOnlySpan<byte> scalar, Span<byte> point)
    {
        fixed (byte* q = point)
        fixed (byte* n = scalar)
        {
            if (Sodium.crypto_scalarmult_ed25519_base_noclamp(q, n) != 0)
            {
                throw new CryptoException("degenerate signing scalar");
            }
        }
    }

    /// <summary>SHA-512(first ‖ second ‖ message) reduced modulo the group order into 32 bytes.</summary>
    private static void HashReduce(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> message, Span<byte> reduced)
    {
        var length = first.Length + second.Length + message.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var input = rented.AsSpan(0, length);
            first.CopyTo(input);
            second.CopyTo(input[first.Length..]);
            message.CopyTo(input[(first.Length + second.Length)..]);
            Span<byte> digest = stackalloc byte[64];
            SHA512.HashData(input, digest);
            fixed (byte* r = reduced)
            fixed (byte* d = digest)
            {
                Sodium.crypto_core_ed25519_scalar_reduce(r, d);
            }
            input.Clear();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Birational map u -> y = (u - 1) / (u + 1) from the Montgomery to the Edwards form.</summary>
    internal static bool MontgomeryToEdwards(ReadOnlySpan<byte> montgomery, Span<byte> edwards)
    {
        var u = FieldElement.FromBytes(montgomery);
        var denominator = u + FieldElement.One;
        denominator.ToBytes(edwards);
        if (!edwards.ContainsAnyExcept((byte)0))
        {
            return false;
        }
        ((u - FieldElement.One) * denominator.Invert()).ToBytes(edwards);
        return true;
    }

    private static void RequireLength(ReadOnlySpan<byte> value, int length, string what)
    {
        if (value.Length != length)
        {
            throw new CryptoException($"{what} must be {length} bytes, got {value.Length}");
        }
    }
}

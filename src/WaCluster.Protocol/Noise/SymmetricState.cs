using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;

namespace WaCluster.Protocol.Noise;

/// <summary>
/// The Noise symmetric state during the handshake: running hash h (associated data of every handshake ciphertext,
/// which is then mixed into it), chaining key ck, and the current cipher key with its nonce counter.
/// </summary>
internal sealed class SymmetricState : IDisposable
{
    private readonly byte[] _hash = new byte[NoiseProtocol.KeyLength];
    private readonly byte[] _chainingKey = new byte[NoiseProtocol.KeyLength];
    private readonly byte[] _cipherKey = new byte[NoiseProtocol.KeyLength];
    private bool _hasKey;
    private uint _counter;

    public SymmetricState()
    {
        NoiseProtocol.Name.CopyTo(_hash);
        NoiseProtocol.Name.CopyTo(_chainingKey);
    }

    /// <summary>The current handshake hash (for tests and channel binding).</summary>
    public ReadOnlySpan<byte> Hash => _hash;

    public void MixHash(ReadOnlySpan<byte> data)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(_hash);
        sha.AppendData(data);
        sha.GetHashAndReset(_hash);
    }

    /// <summary>ck, k = HKDF(salt ck, input) split in two halves; the nonce restarts at zero.</summary>
    public void MixKey(ReadOnlySpan<byte> inputKeyMaterial)
    {
        Span<byte> output = stackalloc byte[2 * NoiseProtocol.KeyLength];
        DeriveFromChainingKey(inputKeyMaterial, output);
        output[..NoiseProtocol.KeyLength].CopyTo(_chainingKey);
        output[NoiseProtocol.KeyLength..].CopyTo(_cipherKey);
        CryptographicOperations.ZeroMemory(output);
        _hasKey = true;
        _counter = 0;
    }

    /// <summary>X25519 of the two keys mixed into the key; a malformed or low-order peer key is a handshake failure.</summary>
    public void MixDiffieHellman(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> privateKey)
    {
        if (publicKey.Length != NoiseProtocol.KeyLength)
        {
            throw new NoiseException(NoiseError.InvalidKey, $"peer key of {publicKey.Length} bytes, expected {NoiseProtocol.KeyLength}");
        }
        Span<byte> shared = stackalloc byte[NoiseProtocol.KeyLength];
        try
        {
            Curve25519.Agreement(publicKey, privateKey, shared);
        }
        catch (CryptoException ex)
        {
            throw new NoiseException(NoiseError.InvalidKey, "peer key rejected: " + ex.Message, ex);
        }
        MixKey(shared);
        CryptographicOperations.ZeroMemory(shared);
    }

    public byte[] EncryptAndHash(ReadOnlySpan<byte> plaintext)
    {
        var ciphertext = new byte[plaintext.Length + NoiseProtocol.TagLength];
        using (var gcm = CreateCipher())
        {
            Span<byte> nonce = stackalloc byte[NoiseProtocol.NonceLength];
            NoiseProtocol.WriteNonce(nonce, _counter++);
            gcm.Encrypt(nonce, plaintext, ciphertext.AsSpan(0, plaintext.Length), ciphertext.AsSpan(plaintext.Length), _hash);
        }
        MixHash(ciphertext);
        return ciphertext;
    }

    public byte[] DecryptAndHash(ReadOnlySpan<byte> ciphertext, string what)
    {
        if (ciphertext.Length < NoiseProtocol.TagLength)
        {
            throw new NoiseException(NoiseError.MalformedMessage, $"{what}: {ciphertext.Length} bytes cannot hold a {NoiseProtocol.TagLength}-byte tag");
        }
        var length = ciphertext.Length - NoiseProtocol.TagLength;
        var plaintext = new byte[length];
        using (var gcm = CreateCipher())
        {
            Span<byte> nonce = stackalloc byte[NoiseProtocol.NonceLength];
            NoiseProtocol.WriteNonce(nonce, _counter++);
            try
            {
                gcm.Decrypt(nonce, ciphertext[..length], ciphertext[length..], plaintext, _hash);
            }
            catch (AuthenticationTagMismatchException ex)
            {
                throw new NoiseException(NoiseError.DecryptFailed, $"{what}: authentication failed", ex);
            }
        }
        MixHash(ciphertext);
        return plaintext;
    }

    /// <summary>The two transport keys: the initiator writes with the first and reads with the second.</summary>
    public (byte[] First, byte[] Second) Split()
    {
        Span<byte> output = stackalloc byte[2 * NoiseProtocol.KeyLength];
        DeriveFromChainingKey(ReadOnlySpan<byte>.Empty, output);
        var keys = (output[..NoiseProtocol.KeyLength].ToArray(), output[NoiseProtocol.KeyLength..].ToArray());
        CryptographicOperations.ZeroMemory(output);
        return keys;
    }

    // HKDF-SHA256 salted with ck and an empty info. Extract is done by hand because the platform HKDF refuses
    // the empty input key material that Split uses.
    private void DeriveFromChainingKey(ReadOnlySpan<byte> inputKeyMaterial, Span<byte> output)
    {
        Span<byte> pseudoRandomKey = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_chainingKey, inputKeyMaterial, pseudoRandomKey);
        HKDF.Expand(HashAlgorithmName.SHA256, pseudoRandomKey, output, ReadOnlySpan<byte>.Empty);
        CryptographicOperations.ZeroMemory(pseudoRandomKey);
    }

    private AesGcm CreateCipher()
    {
        if (!_hasKey)
        {
            throw new InvalidOperationException("no cipher key mixed in yet");
        }
        return new AesGcm(_cipherKey, NoiseProtocol.TagLength);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_chainingKey);
        CryptographicOperations.ZeroMemory(_cipherKey);
    }
}

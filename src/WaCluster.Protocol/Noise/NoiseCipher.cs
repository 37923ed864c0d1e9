using System.Security.Cryptography;

namespace WaCluster.Protocol.Noise;

/// <summary>
/// One direction of the transport: AES-256-GCM with a reused key schedule, empty associated data and a 32-bit
/// counter nonce. Not thread-safe; each direction has a single user.
/// </summary>
public sealed class NoiseCipher : IDisposable
{
    private readonly AesGcm _gcm;
    private uint _counter;
    private bool _exhausted;

    internal NoiseCipher(byte[] key)
    {
        _gcm = new AesGcm(key, NoiseProtocol.TagLength);
        CryptographicOperations.ZeroMemory(key);
    }

    /// <summary>Messages processed so far in this direction (the next nonce counter).</summary>
    public long Count => _exhausted ? 1L << 32 : _counter;

    /// <summary>Encrypts into <paramref name="destination"/>, which must be exactly the plaintext length plus the tag.</summary>
    public void Encrypt(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        if (destination.Length != plaintext.Length + NoiseProtocol.TagLength)
        {
            throw new ArgumentException("destination must be the plaintext length plus the tag", nameof(destination));
        }
        Span<byte> nonce = stackalloc byte[NoiseProtocol.NonceLength];
        NoiseProtocol.WriteNonce(nonce, NextCounter());
        _gcm.Encrypt(nonce, plaintext, destination[..plaintext.Length], destination[plaintext.Length..]);
    }

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext)
    {
        var ciphertext = new byte[plaintext.Length + NoiseProtocol.TagLength];
        Encrypt(plaintext, ciphertext);
        return ciphertext;
    }

    /// <summary>Decrypts a frame; a bad tag (tampering, loss, reordering) is a <see cref="NoiseException"/>.</summary>
    public byte[] Decrypt(ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.Length < NoiseProtocol.TagLength)
        {
            throw new NoiseException(NoiseError.DecryptFailed, $"frame of {ciphertext.Length} bytes cannot hold a {NoiseProtocol.TagLength}-byte tag");
        }
        var plaintext = new byte[ciphertext.Length - NoiseProtocol.TagLength];
        Decrypt(ciphertext, plaintext);
        return plaintext;
    }

    public void Decrypt(ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        var length = ciphertext.Length - NoiseProtocol.TagLength;
        if (length < 0)
        {
            throw new NoiseException(NoiseError.DecryptFailed, $"frame of {ciphertext.Length} bytes cannot hold a {NoiseProtocol.TagLength}-byte tag");
        }
        if (plaintext.Length != length)
        {
            throw new ArgumentException("plaintext must be the ciphertext length minus the tag", nameof(plaintext));
        }
        Span<byte> nonce = stackalloc byte[NoiseProtocol.NonceLength];
        var counter = NextCounter();
        NoiseProtocol.WriteNonce(nonce, counter);
        try
        {
            _gcm.Decrypt(nonce, ciphertext[..length], ciphertext[length..], plaintext);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new NoiseException(NoiseError.DecryptFailed, $"frame {counter} failed authentication", ex);
        }
    }

    // Reusing a nonce would break GCM completely, so the 2^32nd message ends the connection instead of wrapping.
    private uint NextCounter()
    {
        if (_exhausted)
        {
            throw new NoiseException(NoiseError.NonceExhausted, "transport nonce counter exhausted");
        }
        var counter = _counter;
        if (counter == uint.MaxValue)
        {
            _exhausted = true;
        }
        else
        {
            _counter = counter + 1;
        }
        return counter;
    }

    /// <summary>Test hook: continue from a given counter (to prove exhaustion without 2^32 messages).</summary>
    internal void SetCounter(uint counter) => _counter = counter;

    public void Dispose() => _gcm.Dispose();
}

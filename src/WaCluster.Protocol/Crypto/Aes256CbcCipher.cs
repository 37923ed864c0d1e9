using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace WaCluster.Protocol.Crypto;

/// <summary>
/// AES-256-CBC with PKCS#7 on AES-NI, for the short bodies of Signal messages where the BCL's per-call setup costs
/// more than the cipher itself. Same results as <see cref="AesCbcCipher"/>; without AES-NI it uses the BCL.
/// </summary>
[SkipLocalsInit]
public static class Aes256CbcCipher
{
    public const int KeyLength = Aes256RoundKeys.KeyLength;
    public const int BlockLength = AesCbcCipher.BlockLength;

    private const int StackBufferLimit = 1024;

    public static int CiphertextLength(int plaintextLength) => (plaintextLength / BlockLength + 1) * BlockLength;

    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext)
    {
        var ciphertext = new byte[CiphertextLength(plaintext.Length)];
        Encrypt(key, iv, plaintext, ciphertext);
        return ciphertext;
    }

    /// <summary>Encrypts into <paramref name="destination"/> (at least <see cref="CiphertextLength"/> bytes); returns the length written.</summary>
    public static int Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        CheckKeyAndIv(key, iv);
        var length = CiphertextLength(plaintext.Length);
        if (destination.Length < length)
        {
            throw new ArgumentException($"AES-CBC output needs {length} bytes", nameof(destination));
        }
        if (!AesNi.IsSupported)
        {
            using var aes = Aes.Create();
            aes.Key = key.ToArray();
            return aes.EncryptCbc(plaintext, iv, destination, PaddingMode.PKCS7);
        }
        var roundKeys = Aes256RoundKeys.ForEncryption(key);
        var chain = Vector128.Create(iv);
        var whole = plaintext.Length - plaintext.Length % BlockLength;
        for (var offset = 0; offset < whole; offset += BlockLength)
        {
            chain = roundKeys.EncryptBlock(chain ^ Vector128.Create(plaintext.Slice(offset, BlockLength)));
            chain.CopyTo(destination[offset..]);
        }
        Span<byte> last = stackalloc byte[BlockLength];
        var padding = (byte)(BlockLength - (plaintext.Length - whole));
        last.Fill(padding);
        plaintext[whole..].CopyTo(last);
        roundKeys.EncryptBlock(chain ^ Vector128.Create((ReadOnlySpan<byte>)last)).CopyTo(destination[whole..]);
        CryptographicOperations.ZeroMemory(last);
        roundKeys = default;
        return length;
    }

    /// <summary>Decrypts and strips the padding; a wrong length or padding throws <see cref="CryptoException"/>.</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext)
    {
        byte[]? rented = null;
        var buffer = ciphertext.Length <= StackBufferLimit
            ? stackalloc byte[StackBufferLimit]
            : rented = ArrayPool<byte>.Shared.Rent(ciphertext.Length);
        try
        {
            var length = Decrypt(key, iv, ciphertext, buffer);
            return buffer[..length].ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer[..Math.Min(buffer.Length, ciphertext.Length)]);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Decrypts into <paramref name="destination"/> (at least as long as the ciphertext) and returns the plaintext
    /// length. On bad padding the destination holds garbage and <see cref="CryptoException"/> is thrown.
    /// </summary>
    public static int Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> destination)
    {
        CheckKeyAndIv(key, iv);
        if (ciphertext.Length == 0 || ciphertext.Length % BlockLength != 0)
        {
            throw new CryptoException($"AES-CBC input of {ciphertext.Length} bytes is not a whole number of blocks");
        }
        if (destination.Length < ciphertext.Length)
        {
            throw new ArgumentException($"AES-CBC output needs {ciphertext.Length} bytes", nameof(destination));
        }
        if (!AesNi.IsSupported)
        {
            using var aes = Aes.Create();
            aes.Key = key.ToArray();
            try
            {
                return aes.DecryptCbc(ciphertext, iv, destination, PaddingMode.PKCS7);
            }
            catch (CryptographicException ex)
            {
                throw new CryptoException("AES-CBC padding is invalid", ex);
            }
        }
        var roundKeys = Aes256RoundKeys.ForDecryption(key);
        var chain = Vector128.Create(iv);
        for (var offset = 0; offset < ciphertext.Length; offset += BlockLength)
        {
            var block = Vector128.Create(ciphertext.Slice(offset, BlockLength));
            (roundKeys.DecryptBlock(block) ^ chain).CopyTo(destination[offset..]);
            chain = block;
        }
        roundKeys = default;
        var padding = PaddingLength(destination.Slice(ciphertext.Length - BlockLength, BlockLength));
        if (padding == 0)
        {
            throw new CryptoException("AES-CBC padding is invalid");
        }
        return ciphertext.Length - padding;
    }

    /// <summary>The PKCS#7 padding length of the last block, or 0 when invalid; examines all 16 bytes whatever the value.</summary>
    private static int PaddingLength(ReadOnlySpan<byte> lastBlock)
    {
        int padding = lastBlock[BlockLength - 1];
        // bad != 0 when padding is 0 or above 16; each byte inside the padding must equal it.
        var bad = ((padding - 1) | (BlockLength - padding)) >> 31;
        for (var i = 0; i < BlockLength; i++)
        {
            var inside = (i - padding) >> 31; // -1 when i < padding
            bad |= inside & (lastBlock[BlockLength - 1 - i] ^ padding);
        }
        return bad == 0 ? padding : 0;
    }

    private static void CheckKeyAndIv(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length != KeyLength)
        {
            throw new CryptoException($"AES-256 key must be {KeyLength} bytes, got {key.Length}");
        }
        if (iv.Length != BlockLength)
        {
            throw new CryptoException($"AES-CBC IV must be {BlockLength} bytes, got {iv.Length}");
        }
    }
}

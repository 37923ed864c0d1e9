using System.Security.Cryptography;

namespace WaCluster.Protocol.Crypto;

/// <summary>AES-256-CBC with PKCS#7 padding, as Signal message bodies and WhatsApp media use it.</summary>
public static class AesCbcCipher
{
    public const int BlockLength = 16;

    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext)
    {
        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        return aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
    }

    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.Length == 0 || ciphertext.Length % BlockLength != 0)
        {
            throw new CryptoException($"AES-CBC input of {ciphertext.Length} bytes is not a whole number of blocks");
        }
        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        try
        {
            return aes.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7);
        }
        catch (CryptographicException ex)
        {
            throw new CryptoException("AES-CBC padding is invalid", ex);
        }
    }
}

using System.Security.Cryptography;

namespace WaCluster.Protocol.Crypto;

/// <summary>AES-256-GCM in the layout WhatsApp uses everywhere: ciphertext followed by the 16-byte tag.</summary>
public static class AesGcmCipher
{
    public const int TagLength = 16;
    public const int NonceLength = 12;

    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        using var gcm = new AesGcm(key, TagLength);
        return Encrypt(gcm, nonce, plaintext, associatedData);
    }

    public static byte[] Encrypt(AesGcm gcm, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var output = new byte[plaintext.Length + TagLength];
        gcm.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), associatedData);
        return output;
    }

    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData)
    {
        using var gcm = new AesGcm(key, TagLength);
        return Decrypt(gcm, nonce, ciphertextAndTag, associatedData);
    }

    public static byte[] Decrypt(AesGcm gcm, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData)
    {
        if (ciphertextAndTag.Length < TagLength)
        {
            throw new CryptoException($"AES-GCM input of {ciphertextAndTag.Length} bytes is shorter than its tag");
        }
        var length = ciphertextAndTag.Length - TagLength;
        var plaintext = new byte[length];
        try
        {
            gcm.Decrypt(nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], plaintext, associatedData);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new CryptoException("AES-GCM authentication failed", ex);
        }
        return plaintext;
    }
}

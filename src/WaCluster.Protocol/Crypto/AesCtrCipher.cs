using System.Security.Cryptography;

namespace WaCluster.Protocol.Crypto;

/// <summary>AES-256-CTR with a 16-byte big-endian counter block (the pairing-code key wrap uses it).</summary>
public static class AesCtrCipher
{
    private const int BlockLength = 16;

    /// <summary>Encryption and decryption are the same keystream XOR.</summary>
    public static byte[] Transform(ReadOnlySpan<byte> key, ReadOnlySpan<byte> initialCounter, ReadOnlySpan<byte> input)
    {
        if (initialCounter.Length != BlockLength)
        {
            throw new CryptoException($"AES-CTR counter must be {BlockLength} bytes, got {initialCounter.Length}");
        }
        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        var blocks = (input.Length + BlockLength - 1) / BlockLength;
        var counters = new byte[blocks * BlockLength];
        Span<byte> counter = stackalloc byte[BlockLength];
        initialCounter.CopyTo(counter);
        for (var i = 0; i < blocks; i++)
        {
            counter.CopyTo(counters.AsSpan(i * BlockLength));
            Increment(counter);
        }
        var keystream = aes.EncryptEcb(counters, PaddingMode.None);
        var output = new byte[input.Length];
        for (var i = 0; i < input.Length; i++)
        {
            output[i] = (byte)(input[i] ^ keystream[i]);
        }
        return output;
    }

    private static void Increment(Span<byte> counter)
    {
        for (var i = counter.Length - 1; i >= 0; i--)
        {
            if (++counter[i] != 0)
            {
                return;
            }
        }
    }
}

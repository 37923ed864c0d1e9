namespace WaCluster.Protocol.Noise;

/// <summary>The post-handshake cipher pair: independent keys and counters for each direction.</summary>
public sealed class NoiseTransport : IDisposable
{
    internal NoiseTransport(byte[] writeKey, byte[] readKey)
    {
        Writer = new NoiseCipher(writeKey);
        Reader = new NoiseCipher(readKey);
    }

    /// <summary>Encrypts outbound frames.</summary>
    public NoiseCipher Writer { get; }

    /// <summary>Decrypts inbound frames.</summary>
    public NoiseCipher Reader { get; }

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext) => Writer.Encrypt(plaintext);

    public byte[] Decrypt(ReadOnlySpan<byte> ciphertext) => Reader.Decrypt(ciphertext);

    public void Dispose()
    {
        Writer.Dispose();
        Reader.Dispose();
    }
}

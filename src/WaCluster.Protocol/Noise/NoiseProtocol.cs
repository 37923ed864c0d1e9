namespace WaCluster.Protocol.Noise;

/// <summary>Constants of WhatsApp's Noise XX pattern.</summary>
public static class NoiseProtocol
{
    /// <summary>
    /// The protocol name, padded to exactly 32 bytes so it serves as the initial handshake hash as is
    /// (Noise hashes only names longer than the hash output).
    /// </summary>
    public static ReadOnlySpan<byte> Name => "Noise_XX_25519_AESGCM_SHA256\0\0\0\0"u8;

    public const int KeyLength = 32;

    public const int TagLength = 16;

    public const int NonceLength = 12;

    /// <summary>Writes the nonce for <paramref name="counter"/>: 8 zero bytes, then the counter big-endian.</summary>
    public static void WriteNonce(Span<byte> nonce, uint counter)
    {
        nonce[..8].Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], counter);
    }
}

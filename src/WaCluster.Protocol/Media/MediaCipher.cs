namespace WaCluster.Protocol.Media;

/// <summary>Shape of a media blob: AES-256-CBC ciphertext with PKCS#7 padding, then a 10-byte truncated HMAC-SHA256.</summary>
public static class MediaCipher
{
    public const int BlockLength = 16;
    public const int MacLength = 10;

    /// <summary>Chunk size of the streaming helpers: a multiple of the block size, below the large object heap.</summary>
    internal const int ChunkLength = 64 * 1024;

    /// <summary>The smallest valid blob: one padding block and the MAC.</summary>
    public const int MinimumEncryptedLength = BlockLength + MacLength;

    public static long EncryptedLength(long plaintextLength) => (plaintextLength / BlockLength + 1) * BlockLength + MacLength;
}

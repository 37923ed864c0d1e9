namespace WaCluster.Protocol.Media;

/// <summary>What a sender puts in the media message after encrypting: the key and the hashes of both forms.</summary>
public sealed class EncryptedMedia(byte[] mediaKey, byte[] fileSha256, byte[] fileEncSha256, byte[] mac, long fileLength)
{
    /// <summary>The 32-byte media key; secret, shared only inside the end-to-end encrypted message.</summary>
    public byte[] MediaKey { get; } = mediaKey;

    /// <summary>SHA-256 of the plaintext.</summary>
    public byte[] FileSha256 { get; } = fileSha256;

    /// <summary>SHA-256 of the uploaded blob (ciphertext followed by the MAC); also names the upload.</summary>
    public byte[] FileEncSha256 { get; } = fileEncSha256;

    /// <summary>The 10-byte MAC that ends the blob.</summary>
    public byte[] Mac { get; } = mac;

    /// <summary>Plaintext length in bytes.</summary>
    public long FileLength { get; } = fileLength;

    /// <summary>Length of the blob: the padded ciphertext and the MAC.</summary>
    public long EncryptedLength => MediaCipher.EncryptedLength(FileLength);

    public override string ToString() => $"EncryptedMedia({FileLength} bytes, fileEncSha256 {Convert.ToHexString(FileEncSha256)})";
}

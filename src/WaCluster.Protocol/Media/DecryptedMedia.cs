namespace WaCluster.Protocol.Media;

/// <summary>
/// Proof that a blob was fully read, its MAC verified, its padding valid and the expected hashes matched.
/// Only a decryption that succeeded produces one.
/// </summary>
public sealed class DecryptedMedia(byte[] fileSha256, byte[] fileEncSha256, long fileLength)
{
    /// <summary>SHA-256 of the plaintext that was written.</summary>
    public byte[] FileSha256 { get; } = fileSha256;

    /// <summary>SHA-256 of the blob that was read.</summary>
    public byte[] FileEncSha256 { get; } = fileEncSha256;

    /// <summary>Plaintext length in bytes.</summary>
    public long FileLength { get; } = fileLength;

    public override string ToString() => $"DecryptedMedia({FileLength} bytes, fileSha256 {Convert.ToHexString(FileSha256)})";
}

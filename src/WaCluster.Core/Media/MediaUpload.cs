using WaCluster.Protocol.Media;

namespace WaCluster.Core.Media;

/// <summary>An uploaded blob: where it lives and the key and hashes a message needs to let a recipient fetch and check it.</summary>
public sealed record MediaUpload(string Url, string DirectPath, EncryptedMedia Encrypted, DateTimeOffset MediaKeyTimestamp)
{
    // The media key is secret: only the location appears.
    public override string ToString() => $"MediaUpload({DirectPath}, {Encrypted.FileLength} bytes)";
}

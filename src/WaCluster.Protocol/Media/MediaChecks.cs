namespace WaCluster.Protocol.Media;

/// <summary>Hashes a media message announces, checked once a blob has been read to the end; null skips a check.</summary>
public sealed record MediaChecks(byte[]? FileEncSha256 = null, byte[]? FileSha256 = null);

namespace WaCluster.Protocol.Media;

/// <summary>A media re-upload request or answer that cannot be read: wrong key, tampered or truncated, or not about this message.</summary>
public sealed class MediaRetryException(string message, Exception? inner = null) : ProtocolException(message, inner);

namespace WaCluster.Protocol.Binary;

/// <summary>A binary node frame that cannot be decoded (or a node that cannot be encoded): truncated, malformed or over a limit.</summary>
public sealed class BinaryCodecException(string message, Exception? inner = null) : ProtocolException(message, inner);

namespace WaCluster.Protocol.Binary;

/// <summary>A well-formed node that lacks what the reader requires (an attribute, a child, content of a kind).</summary>
public sealed class NodeFormatException(string message) : ProtocolException(message);

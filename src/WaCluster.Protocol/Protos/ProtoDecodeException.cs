namespace WaCluster.Protocol.Proto;

/// <summary>Bytes from the network that are not a valid encoding of the expected protobuf message.</summary>
public sealed class ProtoDecodeException(string message, Exception? inner = null) : ProtocolException(message, inner);

namespace WaCluster.Protocol.Jids;

/// <summary>Text that is not a JID of the form <c>user[_agent][:device]@server</c>.</summary>
public sealed class JidFormatException(string message) : ProtocolException(message);

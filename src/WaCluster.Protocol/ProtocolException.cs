namespace WaCluster.Protocol;

/// <summary>
/// Base of every typed error raised while reading or writing the WhatsApp wire protocol.
/// Input from the network can only ever fail with a subclass of this, never with a runtime exception.
/// </summary>
public abstract class ProtocolException : Exception
{
    protected ProtocolException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

namespace WaCluster.Protocol.Framing;

/// <summary>Why a byte stream could not be cut into frames.</summary>
public enum FrameError
{
    /// <summary>A length prefix (or routing info length) exceeds the configured maximum.</summary>
    TooLarge,

    /// <summary>The connection's first bytes are neither the WA header nor the routed "ED" intro.</summary>
    BadIntro,

    /// <summary>The stream ended inside the intro or a frame.</summary>
    Truncated,
}

/// <summary>A framing violation on the wire; the connection cannot continue.</summary>
public sealed class FrameException(FrameError error, string message) : ProtocolException(message)
{
    public FrameError Error { get; } = error;
}

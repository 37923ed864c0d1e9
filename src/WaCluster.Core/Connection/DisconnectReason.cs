namespace WaCluster.Core.Connection;

/// <summary>Why a connection ended, with the status codes Baileys users know (DisconnectReason).</summary>
public enum DisconnectReason
{
    LoggedOut = 401,
    Forbidden = 403,
    /// <summary>Also "connection lost" (no traffic for a keep-alive period) and "QR refs ran out".</summary>
    TimedOut = 408,
    MultideviceMismatch = 411,
    ConnectionClosed = 428,
    ConnectionReplaced = 440,
    BadSession = 500,
    UnavailableService = 503,
    RestartRequired = 515,
}

/// <summary>A finished connection: the reason code (possibly one WhatsApp sent that has no name here) and why.</summary>
public sealed record DisconnectInfo(int StatusCode, string Message, Exception? Error = null)
{
    public DisconnectReason? Reason => Enum.IsDefined(typeof(DisconnectReason), StatusCode) ? (DisconnectReason)StatusCode : null;

    /// <summary>Whether reconnecting can help: not after a logout, a ban, a replaced session or a version mismatch.</summary>
    public bool ShouldReconnect => StatusCode switch
    {
        (int)DisconnectReason.LoggedOut or (int)DisconnectReason.Forbidden or (int)DisconnectReason.ConnectionReplaced
            or (int)DisconnectReason.MultideviceMismatch => false,
        _ => true,
    };
}

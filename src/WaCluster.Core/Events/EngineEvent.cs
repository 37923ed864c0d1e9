using WaCluster.Core.Connection;

namespace WaCluster.Core.Events;

/// <summary>Something the engine tells its owner; <see cref="Name"/> is the Baileys event name.</summary>
public abstract record EngineEvent(string Name);

public enum ConnectionState
{
    Connecting,
    Open,
    Close,
}

/// <summary>
/// Baileys' <c>connection.update</c>: only the fields that changed are set. <see cref="Qr"/> carries each new QR text
/// while pairing; <see cref="IsNewLogin"/> is true once pairing succeeded.
/// </summary>
public sealed record ConnectionUpdate(
    ConnectionState? Connection = null,
    string? Qr = null,
    bool? IsNewLogin = null,
    DisconnectInfo? LastDisconnect = null,
    bool? ReceivedPendingNotifications = null) : EngineEvent("connection.update");

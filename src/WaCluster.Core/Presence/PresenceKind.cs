namespace WaCluster.Core.Presence;

/// <summary>
/// What Baileys calls WAPresence: online state (available, unavailable) sent to everyone who subscribed, and chat
/// states (composing, recording, paused) sent to one chat.
/// </summary>
public enum PresenceKind
{
    Available,
    Unavailable,
    Composing,
    Recording,
    Paused,
}

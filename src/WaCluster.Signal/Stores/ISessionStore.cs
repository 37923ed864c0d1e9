using WaCluster.Signal.Sessions;

namespace WaCluster.Signal.Stores;

/// <summary>
/// Session records by peer device. Records are never changed after being stored (operations store a new record),
/// so a store may hand out the instance it holds without copying.
/// </summary>
public interface ISessionStore
{
    Task<SessionRecord?> LoadSessionAsync(ProtocolAddress address);

    Task StoreSessionAsync(ProtocolAddress address, SessionRecord record);

    Task DeleteSessionAsync(ProtocolAddress address);
}

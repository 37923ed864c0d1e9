using WaCluster.Signal.Groups;

namespace WaCluster.Signal.Stores;

/// <summary>All the state the Signal protocol reads and writes for one account, 1:1 sessions and sender keys.</summary>
public interface ISignalProtocolStore : IIdentityKeyStore, IPreKeyStore, ISignedPreKeyStore, ISessionStore, ISenderKeyStore
{
}

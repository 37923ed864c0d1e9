namespace WaCluster.Signal.Stores;

/// <summary>All the state the Signal protocol reads and writes for one account.</summary>
public interface ISignalProtocolStore : IIdentityKeyStore, IPreKeyStore, ISignedPreKeyStore, ISessionStore
{
}

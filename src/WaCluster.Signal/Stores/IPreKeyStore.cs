using WaCluster.Signal.Keys;

namespace WaCluster.Signal.Stores;

/// <summary>Our one-time pre-keys; a session built from one removes it.</summary>
public interface IPreKeyStore
{
    Task<PreKeyRecord?> LoadPreKeyAsync(uint preKeyId);

    Task StorePreKeyAsync(PreKeyRecord record);

    Task RemovePreKeyAsync(uint preKeyId);
}

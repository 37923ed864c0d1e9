using WaCluster.Signal.Keys;

namespace WaCluster.Signal.Stores;

/// <summary>Our signed pre-keys, kept after rotation so late pkmsgs built on an older one still open.</summary>
public interface ISignedPreKeyStore
{
    Task<SignedPreKeyRecord?> LoadSignedPreKeyAsync(uint signedPreKeyId);

    Task StoreSignedPreKeyAsync(SignedPreKeyRecord record);
}

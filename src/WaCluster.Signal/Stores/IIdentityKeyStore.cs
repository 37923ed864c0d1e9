using WaCluster.Signal.Keys;

namespace WaCluster.Signal.Stores;

/// <summary>Whether an identity is checked for a message we send or one we received.</summary>
public enum TrustDirection
{
    Sending,
    Receiving,
}

/// <summary>Our identity and what we know (and decide to trust) about peers' identities.</summary>
public interface IIdentityKeyStore
{
    Task<IdentityKeyPair> GetIdentityKeyPairAsync();

    Task<uint> GetLocalRegistrationIdAsync();

    /// <summary>The trust decision for <paramref name="identityKey"/> at <paramref name="address"/>; false stops the operation with <see cref="UntrustedIdentityException"/>.</summary>
    Task<bool> IsTrustedIdentityAsync(ProtocolAddress address, IdentityKey identityKey, TrustDirection direction);

    Task<IdentityKey?> GetIdentityAsync(ProtocolAddress address);

    /// <summary>Records the peer's identity; true when it replaced a different key.</summary>
    Task<bool> SaveIdentityAsync(ProtocolAddress address, IdentityKey identityKey);
}

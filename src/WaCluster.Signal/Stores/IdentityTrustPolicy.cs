namespace WaCluster.Signal.Stores;

/// <summary>How <see cref="InMemorySignalProtocolStore"/> decides whether a peer identity is trusted.</summary>
public enum IdentityTrustPolicy
{
    /// <summary>WhatsApp Web (and Baileys): every key is trusted; a changed key replaces the stored one.</summary>
    AcceptChanges,

    /// <summary>libsignal's classic rule: a key that differs from the stored one is untrusted.</summary>
    RejectChanges,
}

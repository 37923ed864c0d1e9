namespace WaCluster.Signal.Keys;

/// <summary>
/// What the server hands out for a peer device to start a session: identity, signed pre-key with its signature and,
/// when the peer still has some, one one-time pre-key. Public keys may be raw or 0x05-prefixed.
/// </summary>
public sealed record PreKeyBundle(
    uint RegistrationId,
    IdentityKey IdentityKey,
    uint SignedPreKeyId,
    byte[] SignedPreKeyPublic,
    byte[] SignedPreKeySignature,
    uint? PreKeyId = null,
    byte[]? PreKeyPublic = null);

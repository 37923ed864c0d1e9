using WaCluster.Protocol.Crypto;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Stores;

namespace WaCluster.Signal.Sessions;

/// <summary>Starts a session with a peer device from its pre-key bundle (we are the initiator).</summary>
public sealed class SessionBuilder(ISignalProtocolStore store, ProtocolAddress remote)
{
    /// <summary>
    /// Verifies the bundle (trusted identity, signed pre-key signature), runs X3DH and stores the new session as the
    /// open one, archiving any previous open session. Until the peer replies, our messages go out as pkmsgs.
    /// </summary>
    public async Task ProcessBundleAsync(PreKeyBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (!await store.IsTrustedIdentityAsync(remote, bundle.IdentityKey, TrustDirection.Sending))
        {
            throw new UntrustedIdentityException($"identity key of {remote} is not trusted");
        }
        var signedPreKey = PublicKeys.Prefixed(bundle.SignedPreKeyPublic, "signed pre-key");
        if (!Curve25519.Verify(bundle.IdentityKey.Span, signedPreKey, bundle.SignedPreKeySignature))
        {
            throw new InvalidSignatureException($"signed pre-key {bundle.SignedPreKeyId} of {remote} is not signed by its identity key");
        }
        byte[]? oneTimePreKey = null;
        if (bundle.PreKeyPublic is not null)
        {
            if (bundle.PreKeyId is null)
            {
                throw new InvalidKeyException($"bundle of {remote} has a one-time pre-key without an id");
            }
            oneTimePreKey = PublicKeys.Prefixed(bundle.PreKeyPublic, "one-time pre-key");
        }

        var ours = await store.GetIdentityKeyPairAsync();
        var baseKey = Curve25519.GenerateKeyPair();
        var state = SessionInitializer.Initiator(ours, baseKey, bundle.IdentityKey, signedPreKey, oneTimePreKey,
            bundle.RegistrationId);
        state.PendingPreKey = new PendingPreKey(oneTimePreKey is null ? null : bundle.PreKeyId, bundle.SignedPreKeyId,
            state.BaseKey);

        var record = (await store.LoadSessionAsync(remote))?.CloneForUpdate() ?? new SessionRecord();
        record.Promote(state);
        await store.StoreSessionAsync(remote, record);
        await store.SaveIdentityAsync(remote, bundle.IdentityKey);
    }
}

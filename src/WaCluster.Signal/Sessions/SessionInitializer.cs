using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Ratchet;

namespace WaCluster.Signal.Sessions;

/// <summary>
/// X3DH as libsignal runs it. Both sides build the same secret
/// 0xFF*32 ‖ DH(A identity, B signed) ‖ DH(A base, B identity) ‖ DH(A base, B signed) [‖ DH(A base, B one-time)],
/// whose HKDF ("WhisperText") gives the first root key.
/// </summary>
internal static class SessionInitializer
{
    private const int KeyLength = Curve25519.KeyLength;

    /// <summary>Alice: from Bob's bundle, with our fresh base key; immediately derives her first sending chain.</summary>
    public static SessionState Initiator(IdentityKeyPair ours, KeyPair baseKey, IdentityKey theirIdentity,
        ReadOnlySpan<byte> theirSignedPreKey, ReadOnlySpan<byte> theirOneTimePreKey, uint theirRegistrationId)
    {
        var hasOneTime = !theirOneTimePreKey.IsEmpty;
        Span<byte> secret = stackalloc byte[KeyLength * (hasOneTime ? 5 : 4)];
        secret[..KeyLength].Fill(0xFF);
        PublicKeys.Agree(theirSignedPreKey, ours.PrivateKey, secret.Slice(KeyLength, KeyLength));
        PublicKeys.Agree(theirIdentity.Span, baseKey.PrivateKey, secret.Slice(KeyLength * 2, KeyLength));
        PublicKeys.Agree(theirSignedPreKey, baseKey.PrivateKey, secret.Slice(KeyLength * 3, KeyLength));
        if (hasOneTime)
        {
            PublicKeys.Agree(theirOneTimePreKey, baseKey.PrivateKey, secret.Slice(KeyLength * 4, KeyLength));
        }
        var rootKey = SignalKdf.InitialRootKey(secret);
        CryptographicOperations.ZeroMemory(secret);

        var ratchet = Curve25519.GenerateKeyPair();
        var theirSigned = PublicKeys.Prefixed(theirSignedPreKey, "signed pre-key");
        Span<byte> shared = stackalloc byte[KeyLength];
        PublicKeys.Agree(theirSigned, ratchet.PrivateKey, shared);
        var (nextRoot, chainKey) = SignalKdf.RatchetStep(rootKey, shared);
        CryptographicOperations.ZeroMemory(shared);
        var ratchetPublic = ratchet.PrefixedPublicKey;
        return new SessionState
        {
            RemoteRegistrationId = theirRegistrationId,
            RemoteIdentityKey = theirIdentity,
            BaseKey = baseKey.PrefixedPublicKey,
            BaseKeyIsOurs = true,
            RootKey = nextRoot,
            SenderRatchetPublic = ratchetPublic,
            SenderRatchetPrivate = ratchet.PrivateKey,
            LastRemoteRatchetKey = theirSigned,
            SendingChain = new ChainState(ratchetPublic, chainKey, 0),
        };
    }

    /// <summary>Bob: from Alice's pkmsg; his signed pre-key serves as his first ratchet key until her first message steps it.</summary>
    public static SessionState Responder(IdentityKeyPair ours, SignedPreKeyRecord signedPreKey, PreKeyRecord? oneTimePreKey,
        IdentityKey theirIdentity, byte[] theirBaseKey, uint theirRegistrationId)
    {
        Span<byte> secret = stackalloc byte[KeyLength * (oneTimePreKey is null ? 4 : 5)];
        secret[..KeyLength].Fill(0xFF);
        PublicKeys.Agree(theirIdentity.Span, signedPreKey.KeyPair.PrivateKey, secret.Slice(KeyLength, KeyLength));
        PublicKeys.Agree(theirBaseKey, ours.PrivateKey, secret.Slice(KeyLength * 2, KeyLength));
        PublicKeys.Agree(theirBaseKey, signedPreKey.KeyPair.PrivateKey, secret.Slice(KeyLength * 3, KeyLength));
        if (oneTimePreKey is not null)
        {
            PublicKeys.Agree(theirBaseKey, oneTimePreKey.KeyPair.PrivateKey, secret.Slice(KeyLength * 4, KeyLength));
        }
        var rootKey = SignalKdf.InitialRootKey(secret);
        CryptographicOperations.ZeroMemory(secret);
        return new SessionState
        {
            RemoteRegistrationId = theirRegistrationId,
            RemoteIdentityKey = theirIdentity,
            BaseKey = theirBaseKey,
            BaseKeyIsOurs = false,
            RootKey = rootKey,
            SenderRatchetPublic = signedPreKey.PrefixedPublicKey,
            SenderRatchetPrivate = signedPreKey.KeyPair.PrivateKey,
            LastRemoteRatchetKey = theirBaseKey,
        };
    }
}

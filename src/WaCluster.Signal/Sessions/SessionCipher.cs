using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Messages;
using WaCluster.Signal.Ratchet;
using WaCluster.Signal.Stores;

namespace WaCluster.Signal.Sessions;

/// <summary>
/// Encrypts and decrypts 1:1 messages with one peer device. Every operation reads the store, computes on copies,
/// and writes only once it has succeeded: a failed decrypt changes nothing. Run it over a
/// <see cref="SignalStoreTransaction"/> to receive the writes as one <see cref="SignalStateChange"/>.
/// Not thread-safe: operations for one account must run one at a time.
/// </summary>
public sealed class SessionCipher(ISignalProtocolStore store, ProtocolAddress remote)
{
    public async Task<bool> HasOpenSessionAsync() => (await store.LoadSessionAsync(remote))?.HasOpenSession == true;

    public async Task<EncryptedMessage> EncryptAsync(ReadOnlyMemory<byte> plaintext)
    {
        var record = await store.LoadSessionAsync(remote);
        var open = record?.Open ?? throw new NoSessionException($"no open session with {remote}");
        if (!await store.IsTrustedIdentityAsync(remote, open.RemoteIdentityKey, TrustDirection.Sending))
        {
            throw new UntrustedIdentityException($"identity key of {remote} is not trusted");
        }
        if (open.SendingChain is null)
        {
            throw new NoSessionException($"session with {remote} has no sending chain yet");
        }
        var ours = await store.GetIdentityKeyPairAsync();

        var state = open.CloneForUpdate();
        var chain = state.SendingChain!.Clone();
        state.SendingChain = chain;
        Span<byte> seed = stackalloc byte[SignalKdf.KeyLength];
        Span<byte> keys = stackalloc byte[MessageKeyMaterial.Length];
        var counter = chain.NextSendingSeed(seed);
        SignalKdf.MessageKeys(seed, keys);
        var ciphertext = Aes256CbcCipher.Encrypt(MessageKeyMaterial.CipherKey(keys), MessageKeyMaterial.Iv(keys), plaintext.Span);
        var message = WhisperMessage.Create(state.SenderRatchetPublic, counter, state.PreviousCounter, ciphertext,
            MessageKeyMaterial.MacKey(keys), ours.PublicKey, state.RemoteIdentityKey);
        CryptographicOperations.ZeroMemory(seed);
        CryptographicOperations.ZeroMemory(keys);

        EncryptedMessage result;
        if (state.PendingPreKey is { } pending)
        {
            var preKeyMessage = PreKeyWhisperMessage.Create(await store.GetLocalRegistrationIdAsync(), pending.PreKeyId,
                pending.SignedPreKeyId, pending.BaseKey, ours.PublicKey, message);
            result = new EncryptedMessage(SignalMessageType.PreKey, preKeyMessage.SerializedBytes, state.RemoteRegistrationId);
        }
        else
        {
            result = new EncryptedMessage(SignalMessageType.Whisper, message.SerializedBytes, state.RemoteRegistrationId);
        }

        var updated = record.CloneForUpdate();
        updated.Replace(-1, state);
        await store.StoreSessionAsync(remote, updated);
        return result;
    }

    /// <summary>Decrypts either kind, as named by the enc node's type.</summary>
    public Task<byte[]> DecryptAsync(SignalMessageType type, ReadOnlyMemory<byte> body) => type == SignalMessageType.PreKey
        ? DecryptPreKeyWhisperMessageAsync(body)
        : DecryptWhisperMessageAsync(body);

    /// <summary>
    /// Decrypts a "msg": tries the open session, then the archived ones (a message sent before a newer session
    /// replaced its own still decrypts). The session that decrypts is updated in place; none becomes open by it.
    /// </summary>
    public async Task<byte[]> DecryptWhisperMessageAsync(ReadOnlyMemory<byte> body)
    {
        var message = WhisperMessage.Parse(body.Span);
        var record = await store.LoadSessionAsync(remote) ?? throw new NoSessionException($"no session with {remote}");
        var ours = await store.GetIdentityKeyPairAsync();

        SignalException? firstError = null;
        SignalException? recognisedError = null;
        foreach (var (state, archivedIndex) in record.StatesInTrialOrder())
        {
            SessionState updated;
            byte[] plaintext;
            try
            {
                (updated, plaintext) = DecryptWithState(state, message, ours.PublicKey);
            }
            catch (SignalException ex)
            {
                firstError ??= ex;
                // The session that already knows the message's chain tells the real story (duplicate, too far ahead).
                if (recognisedError is null && state.FindReceivingChain(message.SenderRatchetKey) >= 0)
                {
                    recognisedError = ex;
                }
                continue;
            }
            if (!await store.IsTrustedIdentityAsync(remote, updated.RemoteIdentityKey, TrustDirection.Receiving))
            {
                throw new UntrustedIdentityException($"identity key of {remote} is not trusted");
            }
            var next = record.CloneForUpdate();
            next.Replace(archivedIndex, updated);
            await store.StoreSessionAsync(remote, next);
            return plaintext;
        }
        throw recognisedError ?? firstError ?? new NoSessionException($"no session with {remote}");
    }

    /// <summary>
    /// Decrypts a "pkmsg": builds the responder session from our pre-keys (unless this base key's session exists,
    /// i.e. the peer keeps sending before our reply), archiving the open session. The one-time pre-key is removed
    /// and the peer identity saved, all only if the inner message decrypts.
    /// </summary>
    public async Task<byte[]> DecryptPreKeyWhisperMessageAsync(ReadOnlyMemory<byte> body)
    {
        var message = PreKeyWhisperMessage.Parse(body.Span);
        if (!await store.IsTrustedIdentityAsync(remote, message.IdentityKey, TrustDirection.Receiving))
        {
            throw new UntrustedIdentityException($"identity key of {remote} is not trusted");
        }
        var ours = await store.GetIdentityKeyPairAsync();
        var record = (await store.LoadSessionAsync(remote))?.CloneForUpdate() ?? new SessionRecord();

        SessionState state;
        int archivedIndex;
        uint? consumedPreKey = null;
        if (record.FindByTheirBaseKey(message.BaseKey) is { } existing)
        {
            (state, archivedIndex) = existing;
        }
        else
        {
            PreKeyRecord? oneTime = null;
            if (message.PreKeyId is { } preKeyId)
            {
                oneTime = await store.LoadPreKeyAsync(preKeyId)
                    ?? throw new InvalidPreKeyIdException($"pre-key {preKeyId} named by {remote} does not exist");
            }
            var signed = await store.LoadSignedPreKeyAsync(message.SignedPreKeyId)
                ?? throw new InvalidPreKeyIdException($"signed pre-key {message.SignedPreKeyId} named by {remote} does not exist");
            state = SessionInitializer.Responder(ours, signed, oneTime, message.IdentityKey, message.BaseKey, message.RegistrationId);
            record.Promote(state);
            archivedIndex = -1;
            consumedPreKey = message.PreKeyId;
        }

        var (updated, plaintext) = DecryptWithState(state, message.Message, ours.PublicKey);
        record.Replace(archivedIndex, updated);
        await store.StoreSessionAsync(remote, record);
        if (consumedPreKey is { } consumed)
        {
            await store.RemovePreKeyAsync(consumed);
        }
        await store.SaveIdentityAsync(remote, message.IdentityKey);
        return plaintext;
    }

    /// <summary>Decrypts with one session, returning its successor; <paramref name="original"/> is left untouched.</summary>
    private static (SessionState State, byte[] Plaintext) DecryptWithState(SessionState original, WhisperMessage message, IdentityKey ours)
    {
        var state = original.CloneForUpdate();
        ChainState chain;
        var index = state.FindReceivingChain(message.SenderRatchetKey);
        if (index >= 0)
        {
            chain = state.ReceivingChains[index].Clone();
            state.ReceivingChains[index] = chain;
        }
        else
        {
            chain = StepRatchet(state, message);
        }

        Span<byte> seed = stackalloc byte[SignalKdf.KeyLength];
        Span<byte> keys = stackalloc byte[MessageKeyMaterial.Length];
        try
        {
            chain.TakeReceivingSeed(message.Counter, seed);
            SignalKdf.MessageKeys(seed, keys);
            if (!message.HasValidMac(state.RemoteIdentityKey, ours, MessageKeyMaterial.MacKey(keys)))
            {
                throw new InvalidMacException("message MAC does not match this session");
            }
            byte[] plaintext;
            try
            {
                plaintext = Aes256CbcCipher.Decrypt(MessageKeyMaterial.CipherKey(keys), MessageKeyMaterial.Iv(keys), message.Ciphertext);
            }
            catch (CryptoException ex)
            {
                throw new InvalidMessageException("message ciphertext is malformed: " + ex.Message, ex);
            }
            // The peer answered on this session, so it has it: stop sending pkmsgs.
            state.PendingPreKey = null;
            return (state, plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(keys);
        }
    }

    /// <summary>
    /// The peer's new ratchet key: close its previous chain (keeping keys up to the message's previous counter),
    /// derive the receiving chain, then replace our ratchet key and derive our next sending chain.
    /// </summary>
    private static ChainState StepRatchet(SessionState state, WhisperMessage message)
    {
        var previous = state.FindReceivingChain(state.LastRemoteRatchetKey);
        if (previous >= 0)
        {
            var closing = state.ReceivingChains[previous].Clone();
            closing.Close(message.PreviousCounter);
            state.ReceivingChains[previous] = closing;
        }

        Span<byte> shared = stackalloc byte[Curve25519.KeyLength];
        PublicKeys.Agree(message.SenderRatchetKey, state.SenderRatchetPrivate, shared);
        var (rootKey, receivingKey) = SignalKdf.RatchetStep(state.RootKey, shared);
        var receiving = new ChainState(message.SenderRatchetKey, receivingKey, 0);
        state.AddReceivingChain(receiving);

        if (state.SendingChain is { } sending)
        {
            state.PreviousCounter = sending.NextIndex == 0 ? 0 : sending.NextIndex - 1;
        }
        var ratchet = Curve25519.GenerateKeyPair();
        PublicKeys.Agree(message.SenderRatchetKey, ratchet.PrivateKey, shared);
        var (nextRoot, sendingKey) = SignalKdf.RatchetStep(rootKey, shared);
        CryptographicOperations.ZeroMemory(shared);

        state.RootKey = nextRoot;
        state.SenderRatchetPublic = ratchet.PrefixedPublicKey;
        state.SenderRatchetPrivate = ratchet.PrivateKey;
        state.SendingChain = new ChainState(state.SenderRatchetPublic, sendingKey, 0);
        state.LastRemoteRatchetKey = message.SenderRatchetKey;
        return receiving;
    }
}

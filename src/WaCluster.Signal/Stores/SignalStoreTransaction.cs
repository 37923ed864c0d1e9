using WaCluster.Signal.Groups;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Sessions;

namespace WaCluster.Signal.Stores;

/// <summary>
/// An overlay over a backing store: reads see this transaction's own writes, writes are only buffered. Run one
/// operation (or several) against it, take <see cref="ToChange"/>, persist that, then apply it to the backing store.
/// After a failed operation simply drop the transaction: the backing store was never written.
/// </summary>
public sealed class SignalStoreTransaction(ISignalProtocolStore backing) : ISignalProtocolStore
{
    // Created on first write: an operation touches one or two kinds of state, and one transaction runs per message.
    private Dictionary<ProtocolAddress, SessionRecord?>? _sessions;
    private Dictionary<uint, PreKeyRecord?>? _preKeys;
    private Dictionary<uint, SignedPreKeyRecord>? _signedPreKeys;
    private Dictionary<ProtocolAddress, IdentityKey>? _identities;
    private Dictionary<SenderKeyName, SenderKeyRecord>? _senderKeys;

    // Group ciphers change the record they load in place, so the backing store's instance is copied on first read.
    private Dictionary<SenderKeyName, SenderKeyRecord?>? _senderKeyCopies;

    /// <summary>Everything written so far, as one change; the transaction can keep going afterwards.</summary>
    public SignalStateChange ToChange() => new(Snapshot(_sessions), Snapshot(_preKeys), Snapshot(_signedPreKeys),
        Snapshot(_identities), Snapshot(_senderKeys));

    // Most operations touch one or two kinds of state; the others share one empty instance.
    private static IReadOnlyDictionary<TKey, TValue> Snapshot<TKey, TValue>(Dictionary<TKey, TValue>? pending) where TKey : notnull =>
        pending is null || pending.Count == 0 ? System.Collections.ObjectModel.ReadOnlyDictionary<TKey, TValue>.Empty : new Dictionary<TKey, TValue>(pending);

    public Task<IdentityKeyPair> GetIdentityKeyPairAsync() => backing.GetIdentityKeyPairAsync();

    public Task<uint> GetLocalRegistrationIdAsync() => backing.GetLocalRegistrationIdAsync();

    public Task<bool> IsTrustedIdentityAsync(ProtocolAddress address, IdentityKey identityKey, TrustDirection direction) =>
        // A key this transaction already accepted stays accepted for its later steps.
        _identities is not null && _identities.TryGetValue(address, out var pending) && pending.Equals(identityKey)
            ? Task.FromResult(true)
            : backing.IsTrustedIdentityAsync(address, identityKey, direction);

    public Task<IdentityKey?> GetIdentityAsync(ProtocolAddress address) =>
        _identities is not null && _identities.TryGetValue(address, out var pending) ? Task.FromResult<IdentityKey?>(pending) : backing.GetIdentityAsync(address);

    public async Task<bool> SaveIdentityAsync(ProtocolAddress address, IdentityKey identityKey)
    {
        var known = await GetIdentityAsync(address);
        (_identities ??= [])[address] = identityKey;
        return known is not null && !known.Equals(identityKey);
    }

    public Task<PreKeyRecord?> LoadPreKeyAsync(uint preKeyId) =>
        _preKeys is not null && _preKeys.TryGetValue(preKeyId, out var pending) ? Task.FromResult(pending) : backing.LoadPreKeyAsync(preKeyId);

    public Task StorePreKeyAsync(PreKeyRecord record)
    {
        (_preKeys ??= [])[record.Id] = record;
        return Task.CompletedTask;
    }

    public Task RemovePreKeyAsync(uint preKeyId)
    {
        (_preKeys ??= [])[preKeyId] = null;
        return Task.CompletedTask;
    }

    public Task<SignedPreKeyRecord?> LoadSignedPreKeyAsync(uint signedPreKeyId) =>
        _signedPreKeys is not null && _signedPreKeys.TryGetValue(signedPreKeyId, out var pending)
            ? Task.FromResult<SignedPreKeyRecord?>(pending)
            : backing.LoadSignedPreKeyAsync(signedPreKeyId);

    public Task StoreSignedPreKeyAsync(SignedPreKeyRecord record)
    {
        (_signedPreKeys ??= [])[record.Id] = record;
        return Task.CompletedTask;
    }

    public Task<SessionRecord?> LoadSessionAsync(ProtocolAddress address) =>
        _sessions is not null && _sessions.TryGetValue(address, out var pending) ? Task.FromResult(pending) : backing.LoadSessionAsync(address);

    public Task StoreSessionAsync(ProtocolAddress address, SessionRecord record)
    {
        (_sessions ??= [])[address] = record;
        return Task.CompletedTask;
    }

    public Task DeleteSessionAsync(ProtocolAddress address)
    {
        (_sessions ??= [])[address] = null;
        return Task.CompletedTask;
    }

    public async Task<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name)
    {
        if (_senderKeys is not null && _senderKeys.TryGetValue(name, out var pending))
        {
            return pending;
        }
        SenderKeyRecord? copy = null;
        if (_senderKeyCopies is null || !_senderKeyCopies.TryGetValue(name, out copy))
        {
            copy = (await backing.LoadSenderKeyAsync(name))?.Clone();
            (_senderKeyCopies ??= [])[name] = copy;
        }
        return copy;
    }

    public Task StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record)
    {
        (_senderKeys ??= [])[name] = record;
        return Task.CompletedTask;
    }
}

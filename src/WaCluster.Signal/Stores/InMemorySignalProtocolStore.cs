using WaCluster.Signal.Groups;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Sessions;

namespace WaCluster.Signal.Stores;

/// <summary>A complete store in memory: the backing store of tests and the in-actor state of an account.</summary>
public sealed class InMemorySignalProtocolStore(IdentityKeyPair identity, uint registrationId,
    IdentityTrustPolicy trustPolicy = IdentityTrustPolicy.AcceptChanges) : ISignalProtocolStore
{
    private readonly Dictionary<ProtocolAddress, IdentityKey> _identities = [];
    private readonly Dictionary<uint, PreKeyRecord> _preKeys = [];
    private readonly Dictionary<uint, SignedPreKeyRecord> _signedPreKeys = [];
    private readonly Dictionary<ProtocolAddress, SessionRecord> _sessions = [];
    private readonly Dictionary<SenderKeyName, SenderKeyRecord> _senderKeys = [];

    public IReadOnlyDictionary<ProtocolAddress, SessionRecord> Sessions => _sessions;

    public IReadOnlyDictionary<uint, PreKeyRecord> PreKeys => _preKeys;

    public IReadOnlyDictionary<ProtocolAddress, IdentityKey> Identities => _identities;

    public IReadOnlyDictionary<SenderKeyName, SenderKeyRecord> SenderKeys => _senderKeys;

    public Task<IdentityKeyPair> GetIdentityKeyPairAsync() => Task.FromResult(identity);

    public Task<uint> GetLocalRegistrationIdAsync() => Task.FromResult(registrationId);

    public Task<bool> IsTrustedIdentityAsync(ProtocolAddress address, IdentityKey identityKey, TrustDirection direction) =>
        Task.FromResult(trustPolicy == IdentityTrustPolicy.AcceptChanges
            || !_identities.TryGetValue(address, out var known)
            || known.Equals(identityKey));

    public Task<IdentityKey?> GetIdentityAsync(ProtocolAddress address) =>
        Task.FromResult(_identities.GetValueOrDefault(address));

    public Task<bool> SaveIdentityAsync(ProtocolAddress address, IdentityKey identityKey)
    {
        var replaced = _identities.TryGetValue(address, out var known) && !known.Equals(identityKey);
        _identities[address] = identityKey;
        return Task.FromResult(replaced);
    }

    public Task<PreKeyRecord?> LoadPreKeyAsync(uint preKeyId) => Task.FromResult(_preKeys.GetValueOrDefault(preKeyId));

    public Task StorePreKeyAsync(PreKeyRecord record)
    {
        _preKeys[record.Id] = record;
        return Task.CompletedTask;
    }

    public Task RemovePreKeyAsync(uint preKeyId)
    {
        _preKeys.Remove(preKeyId);
        return Task.CompletedTask;
    }

    public Task<SignedPreKeyRecord?> LoadSignedPreKeyAsync(uint signedPreKeyId) =>
        Task.FromResult(_signedPreKeys.GetValueOrDefault(signedPreKeyId));

    public Task StoreSignedPreKeyAsync(SignedPreKeyRecord record)
    {
        _signedPreKeys[record.Id] = record;
        return Task.CompletedTask;
    }

    public Task<SessionRecord?> LoadSessionAsync(ProtocolAddress address) => Task.FromResult(_sessions.GetValueOrDefault(address));

    public Task StoreSessionAsync(ProtocolAddress address, SessionRecord record)
    {
        _sessions[address] = record;
        return Task.CompletedTask;
    }

    public Task DeleteSessionAsync(ProtocolAddress address)
    {
        _sessions.Remove(address);
        return Task.CompletedTask;
    }

    /// <remarks>Hands out the held instance, as <see cref="InMemorySenderKeyStore"/> does; transactions copy it.</remarks>
    public Task<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name) => Task.FromResult(_senderKeys.GetValueOrDefault(name));

    public Task StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record)
    {
        _senderKeys[name] = record;
        return Task.CompletedTask;
    }
}

using WaCluster.Signal.Keys;
using WaCluster.Signal.Messages;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;

namespace WaCluster.Signal.Tests.Support;

/// <summary>
/// One device of ours as the account actor would run it: every operation goes through a transaction whose change is
/// serialized, parsed back and only then applied to the backing store.
/// </summary>
internal sealed class OurDevice
{
    private OurDevice(InMemorySignalProtocolStore store, IdentityKeyPair identity, uint registrationId,
        SignedPreKeyRecord signedPreKey, IReadOnlyList<PreKeyRecord> preKeys)
    {
        Store = store;
        Identity = identity;
        RegistrationId = registrationId;
        SignedPreKey = signedPreKey;
        PreKeys = preKeys;
    }

    public InMemorySignalProtocolStore Store { get; private set; }

    public IdentityKeyPair Identity { get; }

    public uint RegistrationId { get; }

    public SignedPreKeyRecord SignedPreKey { get; }

    public IReadOnlyList<PreKeyRecord> PreKeys { get; }

    /// <summary>The last applied change, for tests that look at what an operation wrote.</summary>
    public SignalStateChange? LastChange { get; private set; }

    public static async Task<OurDevice> CreateAsync(int preKeyCount = 4, uint preKeyStart = 1, uint signedPreKeyId = 1,
        IdentityTrustPolicy trust = IdentityTrustPolicy.AcceptChanges)
    {
        var identity = KeyHelper.GenerateIdentityKeyPair();
        var registrationId = KeyHelper.GenerateRegistrationId();
        var store = new InMemorySignalProtocolStore(identity, registrationId, trust);
        var signed = KeyHelper.GenerateSignedPreKey(identity, signedPreKeyId);
        await store.StoreSignedPreKeyAsync(signed);
        var preKeys = KeyHelper.GeneratePreKeys(preKeyStart, preKeyCount);
        foreach (var preKey in preKeys)
        {
            await store.StorePreKeyAsync(preKey);
        }
        return new OurDevice(store, identity, registrationId, signed, preKeys);
    }

    public PreKeyBundle Bundle(PreKeyRecord? preKey) => new(RegistrationId, Identity.PublicKey, SignedPreKey.Id,
        SignedPreKey.PrefixedPublicKey, SignedPreKey.Signature, preKey?.Id, preKey?.PrefixedPublicKey);

    public Task ProcessBundleAsync(ProtocolAddress remote, PreKeyBundle bundle) =>
        InTransactionAsync(tx => new SessionBuilder(tx, remote).ProcessBundleAsync(bundle));

    public Task<EncryptedMessage> EncryptAsync(ProtocolAddress remote, byte[] plaintext) =>
        InTransactionAsync(tx => new SessionCipher(tx, remote).EncryptAsync(plaintext));

    public Task<byte[]> DecryptAsync(ProtocolAddress remote, SignalMessageType type, byte[] body) =>
        InTransactionAsync(tx => new SessionCipher(tx, remote).DecryptAsync(type, body));

    public async Task<T> InTransactionAsync<T>(Func<SignalStoreTransaction, Task<T>> operation)
    {
        var transaction = new SignalStoreTransaction(Store);
        T result;
        try
        {
            result = await operation(transaction);
        }
        catch (SignalException)
        {
            Assert.True(transaction.ToChange().IsEmpty, "a failed operation wrote to its transaction");
            throw;
        }
        var change = SignalStateChange.Parse(transaction.ToChange().ToByteArray());
        await change.ApplyAsync(Store);
        LastChange = change;
        return result;
    }

    /// <summary>Replaces the store by one rebuilt from every record's serialized form, as after a restart.</summary>
    public async Task ReloadFromBytesAsync()
    {
        var reloaded = new InMemorySignalProtocolStore(Identity, RegistrationId);
        foreach (var (address, record) in Store.Sessions)
        {
            await reloaded.StoreSessionAsync(address, SessionRecord.Parse(record.ToByteArray()));
        }
        foreach (var preKey in Store.PreKeys.Values)
        {
            await reloaded.StorePreKeyAsync(PreKeyRecord.Parse(preKey.ToByteArray()));
        }
        await reloaded.StoreSignedPreKeyAsync(SignedPreKeyRecord.Parse(SignedPreKey.ToByteArray()));
        foreach (var (address, key) in Store.Identities)
        {
            await reloaded.SaveIdentityAsync(address, IdentityKey.FromBytes(key.Serialize()));
        }
        Store = reloaded;
    }

    public Task InTransactionAsync(Func<SignalStoreTransaction, Task> operation) =>
        InTransactionAsync(async tx =>
        {
            await operation(tx);
            return true;
        });
}

using WaCluster.Protocol.Crypto;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Stores;

namespace WaCluster.Simulator.Accounts;

/// <summary>
/// The simulated phone (device 0) of a user: its account signing key (signs companion identities), which is also its
/// Signal identity, and the Signal store with which it decrypts what is sent to it (see <see cref="PhoneInbox"/>).
/// </summary>
public sealed class PrimaryPhone
{
    // Guards the Signal store: bundle fetches mint keys into it while the inbox decrypts with it.
    private readonly SemaphoreSlim _signalLock = new(1, 1);
    private uint _nextOneTimeKeyId = 1;

    public PrimaryPhone(uint registrationId)
    {
        // As on WhatsApp, the primary's Signal identity key is also its account (ADV) signing key.
        AccountKey = Curve25519.GenerateKeyPair();
        var identity = new IdentityKeyPair(IdentityKey.FromBytes(AccountKey.PublicKey), AccountKey.PrivateKey);
        Store = new InMemorySignalProtocolStore(identity, registrationId);
        var signed = KeyHelper.GenerateSignedPreKey(identity, 1);
        // The in-memory store completes synchronously.
        Store.StoreSignedPreKeyAsync(signed).GetAwaiter().GetResult();
        Keys = new PublishedKeys(registrationId, AccountKey.PublicKey, new SignedPreKey(signed.Id, signed.KeyPair.PublicKey, signed.Signature));
    }

    /// <summary>The identity and account (ADV) key pair: signs companion device identities.</summary>
    public KeyPair AccountKey { get; }

    public PublishedKeys Keys { get; }

    internal InMemorySignalProtocolStore Store { get; }

    /// <summary>Stanzas that reached the phone (including group traffic it does not decrypt).</summary>
    public long ReceivedStanzas { get; set; }

    /// <summary>Ids of the history-sync notifications its companions receipted as processed (hist_sync), in arrival order.</summary>
    internal List<string> HistorySyncReceipts { get; } = [];

    /// <summary>The phone is always reachable, so it never runs out of one-time keys: mint one per request.</summary>
    public OneTimePreKey MintOneTimeKey()
    {
        var record = new PreKeyRecord(_nextOneTimeKeyId++, Curve25519.GenerateKeyPair());
        _signalLock.Wait();
        try
        {
            Store.StorePreKeyAsync(record).GetAwaiter().GetResult();
        }
        finally
        {
            _signalLock.Release();
        }
        return new OneTimePreKey(record.Id, record.KeyPair.PublicKey);
    }

    internal async Task<T> WithStoreAsync<T>(Func<InMemorySignalProtocolStore, Task<T>> action)
    {
        await _signalLock.WaitAsync();
        try
        {
            return await action(Store);
        }
        finally
        {
            _signalLock.Release();
        }
    }
}

using WaCluster.Signal.Groups;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;
using WaCluster.Signal.Tests.Support;

namespace WaCluster.Signal.Tests.Stores;

/// <summary>The transaction overlay and the change set it yields: one operation, one serializable, replayable change.</summary>
public sealed class SignalStoreTransactionTests
{
    [Fact]
    public async Task Writes_stay_in_the_transaction_until_the_change_is_applied_and_reads_see_them()
    {
        var pair = await EstablishedPair.CreateAsync();
        var before = pair.Alice.Store.Sessions[EstablishedPair.BobAddress];
        var transaction = new SignalStoreTransaction(pair.Alice.Store);
        var first = await new SessionCipher(transaction, EstablishedPair.BobAddress).EncryptAsync(new byte[] { 1 });
        var second = await new SessionCipher(transaction, EstablishedPair.BobAddress).EncryptAsync(new byte[] { 2 });
        Assert.Same(before, pair.Alice.Store.Sessions[EstablishedPair.BobAddress]);

        var change = transaction.ToChange();
        Assert.Equal([EstablishedPair.BobAddress], change.Sessions.Keys);
        Assert.Empty(change.PreKeys);
        Assert.Empty(change.Identities);
        await SignalStateChange.Parse(change.ToByteArray()).ApplyAsync(pair.Alice.Store);
        Assert.NotSame(before, pair.Alice.Store.Sessions[EstablishedPair.BobAddress]);

        // The second message was encrypted on top of the first one's pending state: both decrypt, in order.
        Assert.Equal([1], await pair.BobReceivesAsync(first));
        Assert.Equal([2], await pair.BobReceivesAsync(second));
        var third = await pair.AliceSendsAsync([3]);
        Assert.Equal([3], await pair.BobReceivesAsync(third));
    }

    [Fact]
    public async Task A_dropped_transaction_leaves_the_backing_store_as_it_was()
    {
        var pair = await EstablishedPair.CreateAsync();
        var transaction = new SignalStoreTransaction(pair.Alice.Store);
        var lost = await new SessionCipher(transaction, EstablishedPair.BobAddress).EncryptAsync(new byte[] { 1 });
        // Never persisted: the next real message reuses the same chain index, and Bob reads it.
        var real = await pair.AliceSendsAsync([2]);
        Assert.Equal([2], await pair.BobReceivesAsync(real));
        await Assert.ThrowsAsync<DuplicateMessageException>(() => pair.BobReceivesAsync(lost));
    }

    [Fact]
    public async Task The_change_serializes_to_stable_bytes_and_replays_the_same_state()
    {
        var bob = await OurDevice.CreateAsync();
        var alice = await OurDevice.CreateAsync();
        await alice.ProcessBundleAsync(EstablishedPair.BobAddress, bob.Bundle(bob.PreKeys[2]));
        var pkmsg = await alice.EncryptAsync(EstablishedPair.BobAddress, [7]);

        var transaction = new SignalStoreTransaction(bob.Store);
        await new SessionCipher(transaction, EstablishedPair.AliceAddress).DecryptAsync(pkmsg.Type, pkmsg.Body);
        var extraPreKey = KeyHelper.GeneratePreKeys(100, 1)[0];
        await transaction.StorePreKeyAsync(extraPreKey);
        var change = transaction.ToChange();
        var bytes = change.ToByteArray();
        var parsed = SignalStateChange.Parse(bytes);
        Assert.Equal(bytes, parsed.ToByteArray());
        Assert.Equal(change.Sessions[EstablishedPair.AliceAddress]!.ToByteArray(), parsed.Sessions[EstablishedPair.AliceAddress]!.ToByteArray());
        Assert.Null(parsed.PreKeys[bob.PreKeys[2].Id]);
        Assert.Equal(extraPreKey.KeyPair.PrivateKey, parsed.PreKeys[100]!.KeyPair.PrivateKey);
        Assert.Equal(alice.Identity.PublicKey, parsed.Identities[EstablishedPair.AliceAddress]);

        // Two replicas replaying the same journal event end in the same state.
        var replica = new InMemorySignalProtocolStore(bob.Identity, bob.RegistrationId);
        await replica.StoreSignedPreKeyAsync(bob.SignedPreKey);
        await parsed.ApplyAsync(replica);
        await change.ApplyAsync(bob.Store);
        Assert.Equal(bob.Store.Sessions[EstablishedPair.AliceAddress].ToByteArray(), replica.Sessions[EstablishedPair.AliceAddress].ToByteArray());
        Assert.Null(await bob.Store.LoadPreKeyAsync(bob.PreKeys[2].Id));
    }

    [Fact]
    public async Task Sender_key_writes_are_copied_buffered_and_part_of_the_change()
    {
        var alice = await OurDevice.CreateAsync();
        var bob = await OurDevice.CreateAsync();
        var name = new SenderKeyName("123@g.us", EstablishedPair.AliceAddress);
        var distribution = await alice.InTransactionAsync(tx => new GroupSessionBuilder(tx).CreateAsync(name));
        await bob.InTransactionAsync(tx => new GroupSessionBuilder(tx).ProcessAsync(name, SenderKeyDistributionMessage.Parse(distribution.Serialize())));
        Assert.Single(bob.LastChange!.SenderKeys);

        var stored = alice.Store.SenderKeys[name];
        var storedBytes = stored.ToBytes();
        var transaction = new SignalStoreTransaction(alice.Store);
        var message = await new GroupCipher(transaction, name).EncryptAsync(new byte[] { 4, 2 });
        Assert.Equal(storedBytes, alice.Store.SenderKeys[name].ToBytes());

        var change = SignalStateChange.Parse(transaction.ToChange().ToByteArray());
        Assert.Equal([name], change.SenderKeys.Keys);
        await change.ApplyAsync(alice.Store);
        Assert.NotEqual(storedBytes, alice.Store.SenderKeys[name].ToBytes());
        Assert.Equal([4, 2], await bob.InTransactionAsync(tx => new GroupCipher(tx, name).DecryptAsync(message)));
    }

    [Fact]
    public async Task Records_and_changes_of_an_unknown_version_are_refused()
    {
        var pair = await EstablishedPair.CreateAsync();
        var record = Proto.SessionRecordStructure.Parser.ParseFrom(pair.Alice.Store.Sessions[EstablishedPair.BobAddress].ToByteArray());
        Assert.Equal(1u, record.Version);
        record.Version = 2;
        Assert.Throws<InvalidMessageException>(() => SessionRecord.Parse(Google.Protobuf.MessageExtensions.ToByteArray(record)));
        var change = new Proto.SignalStateChangeStructure { Version = 9 };
        Assert.Throws<InvalidMessageException>(() => SignalStateChange.Parse(Google.Protobuf.MessageExtensions.ToByteArray(change)));
        var preKey = new Proto.PreKeyRecordStructure { Version = 0, Id = 1 };
        Assert.Throws<InvalidMessageException>(() => PreKeyRecord.Parse(Google.Protobuf.MessageExtensions.ToByteArray(preKey)));
    }
}

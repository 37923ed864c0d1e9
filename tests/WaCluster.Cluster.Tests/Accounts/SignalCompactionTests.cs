using Google.Protobuf;
using WaCluster.Actors.Accounts;
using WaCluster.Contracts.Proto;
using WaCluster.Signal;
using WaCluster.Signal.Groups;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Stores;

namespace WaCluster.Cluster.Tests.Accounts;

/// <summary>
/// The fold of an account's Signal changes rebuilds exactly the store that replaying them one by one builds (pre-keys
/// added and consumed, signed pre-key, a sender key advanced by many messages), in one change much smaller than them.
/// </summary>
[Trait("Proof", "cluster-persistence")]
public sealed class SignalCompactionTests
{
    [Fact]
    public async Task The_folded_change_rebuilds_the_same_store_as_every_change_in_order()
    {
        var identity = IdentityKeyPair.Generate();
        var live = new InMemorySignalProtocolStore(identity, 7);
        var changes = new List<ByteString>();
        async Task Change(Func<SignalStoreTransaction, Task> operation)
        {
            var transaction = new SignalStoreTransaction(live);
            await operation(transaction);
            var change = transaction.ToChange();
            await change.ApplyAsync(live);
            changes.Add(ByteString.CopyFrom(change.ToByteArray()));
        }

        await Change(async keys =>
        {
            foreach (var preKey in KeyHelper.GeneratePreKeys(1, 10))
            {
                await keys.StorePreKeyAsync(preKey);
            }
            await keys.StoreSignedPreKeyAsync(KeyHelper.GenerateSignedPreKey(identity, 1));
        });
        await Change(keys => keys.RemovePreKeyAsync(3));
        var name = new SenderKeyName("120363000000000001@g.us", new ProtocolAddress("15550001111", 0));
        await Change(keys => new GroupSessionBuilder(keys).CreateAsync(name));
        for (var i = 0; i < 50; i++)
        {
            await Change(keys => new GroupCipher(keys, name).EncryptAsync(new byte[] { (byte)i }));
        }
        await Change(keys => keys.RemovePreKeyAsync(7));

        var state = new AccountState(dedupeCapacity: 8);
        state.Apply(new AccountStarted());
        foreach (var change in changes)
        {
            state.Apply(new SignalStateStored { SignalChange = change });
        }
        state.CompactChanges();

        var folded = Assert.Single(state.SignalChanges);
        Assert.True(folded.Length * 5 < changes.Sum(change => change.Length), $"fold {folded.Length} B of {changes.Sum(change => change.Length)} B");
        var rebuilt = new InMemorySignalProtocolStore(identity, 7);
        await SignalStateChange.Parse(folded.Span).ApplyAsync(rebuilt);

        Assert.Equal(live.PreKeys.Keys.Order(), rebuilt.PreKeys.Keys.Order());
        Assert.DoesNotContain(3u, rebuilt.PreKeys.Keys);
        Assert.All(live.PreKeys, pair => Assert.Equal(pair.Value.ToByteArray(), rebuilt.PreKeys[pair.Key].ToByteArray()));
        Assert.Equal((await live.LoadSignedPreKeyAsync(1))!.ToByteArray(), (await rebuilt.LoadSignedPreKeyAsync(1))!.ToByteArray());
        Assert.Equal(live.SenderKeys[name].ToBytes(), rebuilt.SenderKeys[name].ToBytes());

        // A snapshot carries the fold, and folding a fold changes nothing.
        var restored = new AccountState(dedupeCapacity: 8);
        restored.Apply(state.ToSnapshot());
        restored.Apply(new SignalStateStored { SignalChange = changes[^1] });
        restored.CompactChanges();
        Assert.Equal(folded, Assert.Single(restored.SignalChanges));
    }
}

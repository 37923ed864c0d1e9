using System.Security.Cryptography;
using Google.Protobuf;
using WaCluster.Core.AppState;
using WaCluster.Protocol.Proto;
using WaCluster.TestSupport;
using Operation = WaCluster.Protocol.Proto.SyncdMutation.Types.SyncdOperation;

namespace WaCluster.Engine.Tests.AppState;

/// <summary>App state sync crypto against Baileys' own functions (its LTHash, key expansion, patch encoder and MAC-validating decoder).</summary>
[Trait("Proof", "engine-sync")]
public sealed class AppStateInteropTests : IAsyncLifetime
{
    private static readonly TimeSpan s_batchTimeout = TimeSpan.FromMinutes(3);

    private NodeHarness _node = null!;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Lt_hash_subtract_then_add_equals_Baileys()
    {
        var random = new Random(1401);
        var cases = Enumerable.Range(0, 3000).Select(i => new
        {
            Base = i % 4 == 0 ? new byte[LtHash.Length] : Bytes(random, LtHash.Length),
            Subtract = Enumerable.Range(0, random.Next(0, 5)).Select(_ => Bytes(random, 32)).ToArray(),
            Add = Enumerable.Range(0, random.Next(i % 4 == 0 ? 1 : 0, 6)).Select(_ => Bytes(random, 32)).ToArray(),
        }).ToList();
        var theirs = await _node.CallAsync<string[]>("appstate.ltHash", new
        {
            cases = cases.Select(c => new { @base = B64(c.Base), subtract = c.Subtract.Select(B64), add = c.Add.Select(B64) }),
        }, s_batchTimeout);
        Assert.Equal(cases.Count, theirs.Length);
        for (var i = 0; i < cases.Count; i++)
        {
            Assert.Equal(Convert.FromBase64String(theirs[i]), LtHash.SubtractThenAdd(cases[i].Base, cases[i].Subtract, cases[i].Add));
        }
    }

    [Fact]
    public async Task Key_expansion_equals_Baileys()
    {
        var random = new Random(1402);
        var keys = Enumerable.Range(0, 1000).Select(_ => Bytes(random, AppStateKeys.KeyLength)).ToList();
        var theirs = await _node.CallAsync<string[][]>("appstate.expandKeys", new { keys = keys.Select(B64) }, s_batchTimeout);
        for (var i = 0; i < keys.Count; i++)
        {
            var ours = AppStateKeys.Expand(keys[i]);
            Assert.Equal(
                theirs[i].Select(Convert.FromBase64String),
                [ours.Index, ours.ValueEncryption, ours.ValueMac, ours.SnapshotMac, ours.PatchMac]);
        }
    }

    /// <summary>
    /// With the IV pinned on both sides, each patch (record, value MAC, index MAC, snapshot MAC, patch MAC) is
    /// Baileys' byte for byte, the LTHash states after it agree, and Baileys' patch applies here to the same action.
    /// </summary>
    [Fact]
    public async Task Patches_equal_Baileys_encodeSyncdPatch_and_Baileys_patches_apply_here()
    {
        var random = new Random(1403);
        var keyId = Bytes(random, 6);
        var keyData = Bytes(random, AppStateKeys.KeyLength);
        var keys = AppStateKeys.Expand(keyData);
        var collections = new Dictionary<string, AppStateCollection>();
        var written = new Dictionary<string, List<SeededAction>>();
        var cases = new List<(AppStateCollection Before, SeededAction Action, Operation Operation, byte[] Iv, EncodedAppStatePatch Ours)>();
        for (var i = 0; i < 2600; i++)
        {
            var action = SeededAppStateActions.Next(random, SeededAppStateActions.Kinds[i % SeededAppStateActions.Kinds.Length]);
            var earlier = written.TryGetValue(action.Kind, out var list) ? list : written[action.Kind] = [];
            var operation = Operation.Set;
            if (earlier.Count > 0 && random.Next(4) == 0)
            {
                // Overwrite or remove a record this collection already holds, so subtraction is exercised too.
                var previous = earlier[random.Next(earlier.Count)];
                action = action with { Index = previous.Index };
                operation = random.Next(2) == 0 ? Operation.Remove : Operation.Set;
            }
            earlier.Add(action);
            // A collection starts over once it holds a hundred records, which keeps each state sent to Baileys small.
            var before = collections.TryGetValue(action.Collection, out var current) && current.ValueMacs.Count < 100
                ? current
                : AppStateCollection.Empty(action.Collection);
            var iv = Bytes(random, AppStateRecords.IvLength);
            var data = SeededAppStateActions.DataOf(action, AppStateIndex.Encode(action.Index));
            var ours = before.EncodePatch([(operation, data)], keyId, keys, destination => iv.CopyTo(destination));
            collections[action.Collection] = ours.Collection;
            cases.Add((before, action, operation, iv, ours));
        }
        var theirs = await _node.CallAsync<EncodedByBaileys[]>("appstate.encodePatches", new
        {
            cases = cases.Select(c => new
            {
                type = c.Action.Collection,
                index = c.Action.Index,
                action = B64(c.Action.Value.ToByteArray()),
                apiVersion = c.Action.ApiVersion,
                operation = (int)c.Operation,
                keyId = B64(keyId),
                keyData = B64(keyData),
                state = StateOf(c.Before),
                iv = B64(c.Iv),
            }),
        }, s_batchTimeout);
        Assert.Equal(cases.Count, theirs.Length);
        for (var i = 0; i < cases.Count; i++)
        {
            var (before, action, operation, _, ours) = cases[i];
            var baileysPatch = SyncdPatch.Parser.ParseFrom(Convert.FromBase64String(theirs[i].Patch));
            Assert.Equal(before.Version + 1, theirs[i].State.Version);
            baileysPatch.Version = new SyncdVersion { Version = theirs[i].State.Version };
            Assert.Equal(baileysPatch.ToByteArray(), ours.Patch.ToByteArray());
            Assert.Equal(Convert.FromBase64String(theirs[i].State.Hash), ours.Collection.Hash.ToArray());
            var theirValueMacs = theirs[i].State.ValueMacs;
            if (operation == Operation.Remove)
            {
                // Baileys' encoder takes a removed record out of the hash but writes it back into its map afterwards.
                Assert.True(theirValueMacs.Remove(B64(ours.Patch.Mutations[0].Record.Index.Blob.ToByteArray())));
            }
            AssertSameValueMacs(theirValueMacs, ours.Collection);

            var applied = before.ApplyPatch(baileysPatch, id => id.SequenceEqual(keyId) ? keys : null);
            var mutation = Assert.Single(applied.Mutations);
            Assert.Equal(operation, mutation.Operation);
            Assert.Equal(action.Index, mutation.Index);
            Assert.Equal(SeededAppStateActions.DataOf(action, AppStateIndex.Encode(action.Index)), mutation.Data);
            Assert.Equal(Convert.FromBase64String(theirs[i].State.Hash), applied.Collection.Hash.ToArray());
        }
    }

    /// <summary>Our patches of several mutations, with random IVs, decode in Baileys with MAC validation on to the same actions and LTHash.</summary>
    [Fact]
    public async Task Baileys_decodes_our_patches_with_macs_validated()
    {
        var random = new Random(1404);
        var keyId = Bytes(random, 6);
        var keyData = Bytes(random, AppStateKeys.KeyLength);
        var keys = AppStateKeys.Expand(keyData);
        var collections = new Dictionary<string, AppStateCollection>();
        for (var i = 0; i < 400; i++)
        {
            var kind = SeededAppStateActions.Kinds[i % SeededAppStateActions.Kinds.Length];
            var first = SeededAppStateActions.Next(random, kind);
            var actions = Enumerable.Range(0, random.Next(1, 5)).Select(_ => SeededAppStateActions.Next(random, kind)).Prepend(first).ToList();
            var before = collections.TryGetValue(first.Collection, out var current) ? current : AppStateCollection.Empty(first.Collection);
            var changes = actions
                .Select(a => (Operation.Set, SeededAppStateActions.DataOf(a, AppStateIndex.Encode(a.Index))))
                .ToList();
            var ours = before.EncodePatch(changes, keyId, keys, RandomNumberGenerator.Fill);
            collections[first.Collection] = ours.Collection;

            var theirs = await _node.CallAsync<DecodedByBaileys>("appstate.decodePatch", new
            {
                patch = B64(ours.Patch.ToByteArray()),
                name = first.Collection,
                state = StateOf(before),
                keys = new[] { new { keyId = B64(keyId), keyData = B64(keyData) } },
            });
            Assert.Equal(actions.Count, theirs.Mutations.Length);
            for (var m = 0; m < actions.Count; m++)
            {
                Assert.Equal(actions[m].Index, theirs.Mutations[m].Index);
                Assert.Equal(changes[m].Item2, SyncActionData.Parser.ParseFrom(Convert.FromBase64String(theirs.Mutations[m].Data)));
            }
            Assert.Equal(Convert.FromBase64String(theirs.Hash), ours.Collection.Hash.ToArray());
            AssertSameValueMacs(theirs.ValueMacs, ours.Collection);
        }
    }

    /// <summary>
    /// A snapshot of our records and snapshot MAC decodes in Baileys with its MAC matching Baileys' own, and applies
    /// here to Baileys' LTHash and records; with one bit of the MAC flipped both sides see the mismatch.
    /// </summary>
    [Fact]
    public async Task Snapshots_agree_with_Baileys_decodeSyncdSnapshot()
    {
        string[] collections = ["critical_block", "critical_unblock_low", "regular_high", "regular_low", "regular"];
        var random = new Random(1405);
        var keyId = Bytes(random, 6);
        var keyData = Bytes(random, AppStateKeys.KeyLength);
        var keys = AppStateKeys.Expand(keyData);
        for (var i = 0; i < 60; i++)
        {
            var name = collections[i % collections.Length];
            var actions = Enumerable.Range(0, random.Next(1, 40))
                .Select(_ => SeededAppStateActions.Next(random, SeededAppStateActions.Kinds[random.Next(SeededAppStateActions.Kinds.Length)]))
                .DistinctBy(action => string.Join('\n', action.Index))
                .ToList();
            var datas = actions.Select(action => SeededAppStateActions.DataOf(action, AppStateIndex.Encode(action.Index))).ToList();
            var records = datas.Select(data => AppStateRecords.Encode(Operation.Set, data, keyId, keys, Bytes(random, AppStateRecords.IvLength)).Record).ToList();
            var version = (ulong)random.Next(1, 100_000);
            var hash = LtHash.SubtractThenAdd(LtHash.Empty(), [], records.Select(record => record.Value.Blob.Span[^AppStateMacs.MacLength..].ToArray()));
            var snapshot = new SyncdSnapshot
            {
                Version = new SyncdVersion { Version = version },
                Mac = ByteString.CopyFrom(AppStateMacs.SnapshotMac(hash, version, name, keys.SnapshotMac)),
                KeyId = new KeyId { Id = ByteString.CopyFrom(keyId) },
            };
            snapshot.Records.AddRange(records);
            var keyList = new[] { new { keyId = B64(keyId), keyData = B64(keyData) } };

            var theirs = await _node.CallAsync<SnapshotByBaileys>("appstate.decodeSnapshot", new { snapshot = B64(snapshot.ToByteArray()), name, keys = keyList });
            Assert.True(theirs.MacMatches);
            Assert.Equal(version, theirs.Version);
            Assert.Equal(actions.Select(action => action.Index), theirs.Mutations.Select(mutation => mutation.Index));
            Assert.Equal(datas, theirs.Mutations.Select(mutation => SyncActionData.Parser.ParseFrom(Convert.FromBase64String(mutation.Data))));

            var applied = AppStateCollection.Empty(name).ApplySnapshot(snapshot, id => id.SequenceEqual(keyId) ? keys : null);
            Assert.Equal(version, applied.Collection.Version);
            Assert.Equal(Convert.FromBase64String(theirs.Hash), applied.Collection.Hash.ToArray());
            AssertSameValueMacs(theirs.ValueMacs, applied.Collection);
            Assert.Equal(datas, applied.Mutations.Select(mutation => mutation.Data));

            var tampered = snapshot.Clone();
            var mac = tampered.Mac.ToByteArray();
            mac[random.Next(mac.Length)] ^= (byte)(1 << random.Next(8));
            tampered.Mac = ByteString.CopyFrom(mac);
            Assert.False((await _node.CallAsync<SnapshotByBaileys>("appstate.decodeSnapshot", new { snapshot = B64(tampered.ToByteArray()), name, keys = keyList })).MacMatches);
            Assert.Equal(
                AppStateError.WrongSnapshotMac,
                Assert.Throws<AppStateException>(() => AppStateCollection.Empty(name).ApplySnapshot(tampered, id => id.SequenceEqual(keyId) ? keys : null)).Error);
        }
    }

    private static void AssertSameValueMacs(Dictionary<string, string> theirs, AppStateCollection ours) =>
        Assert.Equal(
            theirs.OrderBy(entry => entry.Key, StringComparer.Ordinal).Select(entry => (entry.Key, entry.Value)),
            ours.ValueMacs.OrderBy(entry => entry.Key, StringComparer.Ordinal).Select(entry => (entry.Key, B64(entry.Value))));

    private static object StateOf(AppStateCollection collection) => new
    {
        version = collection.Version,
        hash = B64(collection.Hash.ToArray()),
        valueMacs = collection.ValueMacs.ToDictionary(entry => entry.Key, entry => B64(entry.Value)),
    };

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    private sealed record BaileysState(ulong Version, string Hash, Dictionary<string, string> ValueMacs);

    private sealed record EncodedByBaileys(string Patch, BaileysState State);

    private sealed record BaileysMutation(string[] Index, string Data);

    private sealed record SnapshotByBaileys(bool MacMatches, BaileysMutation[] Mutations, ulong Version, string Hash, Dictionary<string, string> ValueMacs);

    private sealed record DecodedByBaileys(BaileysMutation[] Mutations, string Hash, Dictionary<string, string> ValueMacs);
}

using Google.Protobuf;
using WaCluster.Core.AppState;
using WaCluster.Core.Creds;
using WaCluster.Core.Iq;
using WaCluster.Core.Store;
using WaCluster.Engine.State;
using WaCluster.Engine.Tests.Iq;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.TestSupport;
using Operation = WaCluster.Protocol.Proto.SyncdMutation.Types.SyncdOperation;

namespace WaCluster.Engine.Tests.AppState;

/// <summary>
/// Syncing a collection: key shares kept in the account data and replayed from a journal, the w:sync:app:state
/// answer read as Baileys' <c>extractSyncdPatches</c> reads it, Baileys' patches applied through it, and every
/// refusal a resync decision that stores nothing.
/// </summary>
[Trait("Proof", "engine-sync")]
public sealed class AppStateSyncTests : IAsyncLifetime
{
    private const string Collection = "regular_high";
    private static readonly byte[] s_keyId = [0, 0, 0, 0, 0x51, 0x07];
    private static readonly byte[] s_keyData = Enumerable.Range(1, AppStateKeys.KeyLength).Select(b => (byte)(b * 11)).ToArray();
    private static readonly Contact s_me = new("15550001111:3@s.whatsapp.net", "987654321:3@lid");

    private NodeHarness _node = null!;
    private List<SyncdPatch> _baileysPatches = null!;

    public async Task InitializeAsync()
    {
        _node = await NodeHarness.StartAsync();
        _baileysPatches = [];
        object state = new { version = 0, hash = Convert.ToBase64String(new byte[LtHash.Length]), valueMacs = new Dictionary<string, string>() };
        string[] chats = ["15551230001@s.whatsapp.net", "15551230002@s.whatsapp.net", "15551230001@s.whatsapp.net"];
        for (var i = 0; i < chats.Length; i++)
        {
            var action = new SyncActionValue { Timestamp = 1_700_000_000_000 + i, PinAction = new SyncActionValue.Types.PinAction { Pinned = i != 2 } };
            var theirs = Assert.Single(await _node.CallAsync<EncodedPatch[]>("appstate.encodePatches", new
            {
                cases = new[]
                {
                    new
                    {
                        type = Collection, index = new[] { "pin_v1", chats[i] }, action = Convert.ToBase64String(action.ToByteArray()), apiVersion = 5,
                        operation = (int)Operation.Set, keyId = Convert.ToBase64String(s_keyId), keyData = Convert.ToBase64String(s_keyData), state,
                        iv = Convert.ToBase64String(Enumerable.Range(0, AppStateRecords.IvLength).Select(b => (byte)(i + b)).ToArray()),
                    },
                },
            }));
            _baileysPatches.Add(SyncdPatch.Parser.ParseFrom(Convert.FromBase64String(theirs.Patch)));
            state = theirs.State;
        }
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task A_key_share_from_our_primary_is_journaled_and_its_replay_verifies_Baileys_patches()
    {
        Assert.True(AppStateKeyShares.IsFromOwnPrimary(Jid.Parse("15550001111@s.whatsapp.net"), s_me));
        Assert.True(AppStateKeyShares.IsFromOwnPrimary(Jid.Parse("987654321@lid"), s_me));
        Assert.False(AppStateKeyShares.IsFromOwnPrimary(Jid.Parse("15550001111:5@s.whatsapp.net"), s_me));
        Assert.False(AppStateKeyShares.IsFromOwnPrimary(Jid.Parse("15559999999@s.whatsapp.net"), s_me));

        var message = new Message
        {
            ProtocolMessage = new Message.Types.ProtocolMessage
            {
                Type = Message.Types.ProtocolMessage.Types.Type.AppStateSyncKeyShare,
                AppStateSyncKeyShare = new Message.Types.AppStateSyncKeyShare
                {
                    Keys =
                    {
                        new Message.Types.AppStateSyncKey
                        {
                            KeyId = new Message.Types.AppStateSyncKeyId { KeyId = ByteString.CopyFrom(s_keyId) },
                            KeyData = new Message.Types.AppStateSyncKeyData
                            {
                                KeyData = ByteString.CopyFrom(s_keyData), Timestamp = 1_700_000_000,
                                Fingerprint = new Message.Types.AppStateSyncKeyFingerprint { RawId = 7, CurrentIndex = 1, DeviceIndexes = { 0, 1 } },
                            },
                        },
                    },
                },
            },
        };
        var live = new AccountData();
        var transaction = new AccountDataTransaction(live);
        var share = AppStateKeyShares.ShareOf(Message.Parser.ParseFrom(message.ToByteArray()));
        Assert.NotNull(share);
        Assert.Equal([s_keyId], AppStateSyncKeys.Store(transaction, share));
        var journal = new JournalPersister();
        await journal.PersistAsync(new EngineStateChange("app state key share", null, null, Data: transaction.ToChange()), CancellationToken.None);

        var replayed = new AppStateSyncKeys(journal.ReplayData());
        Assert.Equal(s_keyId, replayed.LatestKeyId);
        var stored = replayed.Find(s_keyId);
        Assert.NotNull(stored);
        Assert.Equal(1_700_000_000, stored.Timestamp);
        Assert.Equal([0u, 1u], stored.Fingerprint.DeviceIndexes);
        Assert.Null(replayed.Find([1, 2, 3]));
        var applied = AppStateCollection.Empty(Collection).ApplyPatch(WithVersion(_baileysPatches[0], 1), replayed.Lookup);
        Assert.Equal(["pin_v1", "15551230001@s.whatsapp.net"], Assert.Single(applied.Mutations).Index);
        Assert.Null(new AppStateSyncKeys(live).LatestKeyId);
    }

    [Fact]
    public void A_share_with_a_short_key_is_refused_and_stages_nothing()
    {
        var transaction = new AccountDataTransaction(new AccountData());
        var share = new Message.Types.AppStateSyncKeyShare
        {
            Keys =
            {
                new Message.Types.AppStateSyncKey
                {
                    KeyId = new Message.Types.AppStateSyncKeyId { KeyId = ByteString.CopyFrom(s_keyId) },
                    KeyData = new Message.Types.AppStateSyncKeyData { KeyData = ByteString.CopyFrom(s_keyData, 0, 31) },
                },
            },
        };
        Assert.Equal(AppStateError.Truncated, Assert.Throws<AppStateException>(() => AppStateSyncKeys.Store(transaction, share)).Error);
        Assert.True(transaction.IsEmpty);
    }

    [Fact]
    public void A_key_request_is_a_protocol_message_naming_the_missing_ids()
    {
        var request = Message.Parser.ParseFrom(AppStateKeyShares.Request([s_keyId, [9, 9]]).ToByteArray()).ProtocolMessage;
        Assert.Equal(7, (int)request.Type);
        Assert.Equal(new[] { s_keyId, new byte[] { 9, 9 } }, request.AppStateSyncKeyRequest.KeyIds.Select(id => id.KeyId.ToByteArray()));
    }

    [Fact]
    public void The_sync_request_names_each_collection_with_its_version_and_snapshot_wish()
    {
        var data = new AccountData();
        var transaction = new AccountDataTransaction(data);
        AppStateVersions.Store(transaction, AppStateCollection.Restore("regular", 42, new byte[LtHash.Length], System.Collections.Immutable.ImmutableDictionary<string, byte[]>.Empty));
        data.Apply(transaction.ToChange());
        var requests = AppStateSync.Requests(new AppStateVersions(data), ["critical_block", "regular"]);
        Assert.Equal(
            "<iq id=\"7\" to=\"@s.whatsapp.net\" type=\"set\" xmlns=\"w:sync:app:state\">\n  <sync>\n" +
            "    <collection name=\"critical_block\" return_snapshot=\"true\" version=\"0\"/>\n" +
            "    <collection name=\"regular\" return_snapshot=\"false\" version=\"42\"/>\n  </sync>\n</iq>\n",
            IqWire.Canonical(new AppStateSyncSpec(requests).Build("7")));
    }

    [Fact]
    public async Task The_answer_reads_as_Baileys_reads_it_and_its_patches_apply()
    {
        var response = Answer(
            Collection_(Collection, 0, hasMore: true, _baileysPatches[0], WithVersion(_baileysPatches[1], 2)),
            new BinaryNode("collection", [("name", "regular_low"), ("version", "5")], [new BinaryNode("patches")]));
        var theirs = await _node.CallAsync<ExtractedByBaileys[]>("appstate.extractPatches", new { response = IqWire.Encode(response) });
        var ours = new AppStateSyncSpec([]).Parse(IqWire.Decode(IqWire.Encode(response)));
        Assert.Equal(theirs.Select(c => c.Name).Order(), ours.Select(c => c.Name).Order());
        foreach (var collection in ours)
        {
            var baileys = theirs.Single(c => c.Name == collection.Name);
            Assert.Equal(baileys.HasMorePatches, collection.HasMorePatches);
            Assert.Equal(baileys.Patches.Select(Convert.FromBase64String), collection.Patches.Select(p => p.ToByteArray()));
            Assert.Null(collection.Error);
        }
        var synced = Assert.IsType<AppStateSynced>(AppStateSync.Apply(AppStateCollection.Empty(Collection), ours.Single(c => c.Name == Collection), null, Lookup));
        Assert.True(synced.HasMorePatches);
        Assert.Equal(2UL, synced.Collection.Version);
        Assert.Equal([true, true], synced.Mutations.Select(m => m.Data.Value.PinAction.Pinned));

        var transaction = new AccountDataTransaction(new AccountData());
        AppStateSync.Stage(transaction, synced);
        var restored = new AppStateVersions(AccountData.From([AccountDataChange.Parse(transaction.ToChange().ToByteArray())])).Get(Collection);
        Assert.Equal(synced.Collection.Hash.ToArray(), restored.Hash.ToArray());
        var next = Assert.IsType<AppStateSynced>(AppStateSync.Apply(restored, Parse(Answer(Collection_(Collection, 2, hasMore: false, _baileysPatches[2]))), null, Lookup));
        Assert.False(Assert.Single(next.Mutations).Data.Value.PinAction.Pinned);
        Assert.Equal(3UL, next.Collection.Version);
    }

    [Fact]
    public void A_collection_error_is_a_refusal()
    {
        var answer = Parse(Answer(new BinaryNode("collection", [("name", Collection), ("version", "0"), ("type", "error")],
            [new BinaryNode("error", [("code", "409"), ("text", "conflict")])])));
        var refused = Assert.IsType<AppStateSyncRefused>(AppStateSync.Apply(AppStateCollection.Empty(Collection), answer, null, Lookup));
        Assert.Equal(new AppStateCollectionError(409, "conflict"), refused.Error);
    }

    [Fact]
    public void A_tampered_patch_a_missing_key_and_a_stale_version_each_decide_a_snapshot_resync_and_store_nothing()
    {
        var tampered = _baileysPatches[0].Clone();
        var mac = tampered.PatchMac.ToByteArray();
        mac[3] ^= 0x10;
        tampered.PatchMac = ByteString.CopyFrom(mac);
        var first = AppStateCollection.Empty(Collection).ApplyPatch(WithVersion(_baileysPatches[0], 1), Lookup).Collection;
        var cases = new (AppStateCollection From, SyncdPatch Patch, AppStateKeyLookup Keys, AppStateError Error, int MissingKeys)[]
        {
            (AppStateCollection.Empty(Collection), tampered, Lookup, AppStateError.WrongPatchMac, 0),
            (AppStateCollection.Empty(Collection), _baileysPatches[0], _ => null, AppStateError.UnknownKeyId, 1),
            (first, WithVersion(_baileysPatches[0], 1), Lookup, AppStateError.StaleVersion, 0),
            (first, WithVersion(_baileysPatches[2], 3), Lookup, AppStateError.MissingVersions, 0),
        };
        foreach (var (from, patch, keys, error, missingKeys) in cases)
        {
            var answer = Parse(Answer(Collection_(Collection, from.Version, hasMore: true, patch)));
            var resync = Assert.IsType<AppStateResyncNeeded>(AppStateSync.Apply(from, answer, null, keys));
            Assert.Equal(error, resync.Error);
            Assert.Equal(new AppStateCollectionRequest(Collection, from.Version, ReturnSnapshot: true), resync.Request);
            Assert.Equal(missingKeys == 0 ? Array.Empty<byte[]>() : new[] { s_keyId }, resync.MissingKeyIds);
            var transaction = new AccountDataTransaction(new AccountData());
            AppStateSync.Stage(transaction, resync);
            Assert.True(transaction.IsEmpty);
        }
    }

    [Fact]
    public void Our_patch_goes_out_without_its_version_field_beside_the_version_before_it()
    {
        var encoded = AppStateCollection.Empty(Collection).EncodePatch(
            [(Operation.Set, new SyncActionData { Index = ByteString.CopyFrom(AppStateIndex.Encode(["pin_v1", "15551230001@s.whatsapp.net"])), Version = 5, Value = new SyncActionValue() })],
            s_keyId, AppStateKeys.Expand(s_keyData), iv => iv.Fill(1));
        var node = new AppStatePatchSpec(Collection, encoded.Patch).Build("9");
        var collection = node.RequireChild("sync").RequireChild("collection");
        Assert.Equal("0", collection.GetAttribute("version"));
        Assert.Equal("false", collection.GetAttribute("return_snapshot"));
        var sent = SyncdPatch.Parser.ParseFrom(collection.RequireChild("patch").Bytes.Span);
        Assert.Null(sent.Version);
        Assert.Equal(encoded.Patch.PatchMac, sent.PatchMac);
    }

    private static AppStateKeys? Lookup(ReadOnlySpan<byte> keyId) => keyId.SequenceEqual(s_keyId) ? AppStateKeys.Expand(s_keyData) : null;

    private static SyncdPatch WithVersion(SyncdPatch patch, ulong version)
    {
        var versioned = patch.Clone();
        versioned.Version = new SyncdVersion { Version = version };
        return versioned;
    }

    private static AppStateCollectionResponse Parse(BinaryNode response) => Assert.Single(new AppStateSyncSpec([]).Parse(response));

    private static BinaryNode Answer(params BinaryNode[] collections) =>
        new("iq", [("id", "7"), ("type", "result"), ("from", "s.whatsapp.net")], [new BinaryNode("sync", [], collections)]);

    private static BinaryNode Collection_(string name, ulong version, bool hasMore, params SyncdPatch[] patches) =>
        new("collection", [("name", name), ("version", version.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("has_more_patches", hasMore ? "true" : "false")],
            [new BinaryNode("patches", [], patches.Select(p => new BinaryNode("patch", [], (ReadOnlyMemory<byte>)p.ToByteArray())).ToArray())]);

    private sealed record EncodedPatch(string Patch, object State);

    private sealed record ExtractedByBaileys(string Name, bool HasMorePatches, string[] Patches);
}

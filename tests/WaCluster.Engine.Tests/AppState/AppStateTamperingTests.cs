using Google.Protobuf;
using WaCluster.Core.AppState;
using WaCluster.Protocol.Proto;
using WaCluster.TestSupport;
using Operation = WaCluster.Protocol.Proto.SyncdMutation.Types.SyncdOperation;

namespace WaCluster.Engine.Tests.AppState;

/// <summary>
/// Every MAC is verified: a patch Baileys encoded applies here untouched, and each single flipped bit or replayed
/// version in it is a typed error that leaves the collection as it was.
/// </summary>
[Trait("Proof", "engine-sync")]
public sealed class AppStateTamperingTests : IAsyncLifetime
{
    private const string Collection = "regular_high";

    private static readonly byte[] s_keyId = [0, 0, 0, 0, 0x4d, 0x21];
    private static readonly byte[] s_keyData = Enumerable.Range(1, AppStateKeys.KeyLength).Select(b => (byte)(b * 7)).ToArray();
    private static readonly AppStateKeys s_keys = AppStateKeys.Expand(s_keyData);

    private NodeHarness _node = null!;
    private SyncdPatch _baileysPatch = null!;

    public async Task InitializeAsync()
    {
        _node = await NodeHarness.StartAsync();
        var action = new SyncActionValue
        {
            Timestamp = 1_700_000_000_000,
            MuteAction = new SyncActionValue.Types.MuteAction { Muted = true, MuteEndTimestamp = 1_700_086_400 },
        };
        var theirs = await _node.CallAsync<EncodedPatch[]>("appstate.encodePatches", new
        {
            cases = new[]
            {
                new
                {
                    type = Collection,
                    index = new[] { "mute", "15551234567@s.whatsapp.net" },
                    action = Convert.ToBase64String(action.ToByteArray()),
                    apiVersion = 2,
                    operation = (int)Operation.Set,
                    keyId = Convert.ToBase64String(s_keyId),
                    keyData = Convert.ToBase64String(s_keyData),
                    state = new { version = 0, hash = Convert.ToBase64String(new byte[LtHash.Length]), valueMacs = new Dictionary<string, string>() },
                    iv = Convert.ToBase64String(Enumerable.Range(0, AppStateRecords.IvLength).Select(b => (byte)(0xA0 + b)).ToArray()),
                },
            },
        });
        _baileysPatch = SyncdPatch.Parser.ParseFrom(Convert.FromBase64String(Assert.Single(theirs).Patch));
        _baileysPatch.Version = new SyncdVersion { Version = 1 };
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private static AppStateKeys? Lookup(ReadOnlySpan<byte> keyId) => keyId.SequenceEqual(s_keyId) ? s_keys : null;

    private static AppStateError Refusal(AppStateCollection collection, SyncdPatch patch) =>
        Assert.Throws<AppStateException>(() => collection.ApplyPatch(patch, Lookup)).Error;

    [Fact]
    public void The_untouched_patch_applies()
    {
        var applied = AppStateCollection.Empty(Collection).ApplyPatch(_baileysPatch, Lookup);
        Assert.Equal(1UL, applied.Collection.Version);
        Assert.Equal(["mute", "15551234567@s.whatsapp.net"], Assert.Single(applied.Mutations).Index);
        Assert.True(Assert.Single(applied.Mutations).Data.Value.MuteAction.Muted);
    }

    [Fact]
    public void A_flipped_index_mac_bit_is_a_wrong_index_mac()
    {
        var patch = _baileysPatch.Clone();
        patch.Mutations[0].Record.Index.Blob = Flip(patch.Mutations[0].Record.Index.Blob, 5);
        Assert.Equal(AppStateError.WrongIndexMac, Refusal(AppStateCollection.Empty(Collection), patch));
    }

    [Fact]
    public void A_flipped_ciphertext_bit_is_a_wrong_value_mac()
    {
        var patch = _baileysPatch.Clone();
        patch.Mutations[0].Record.Value.Blob = Flip(patch.Mutations[0].Record.Value.Blob, AppStateRecords.IvLength + 3);
        Assert.Equal(AppStateError.WrongValueMac, Refusal(AppStateCollection.Empty(Collection), patch));
    }

    [Fact]
    public void A_flipped_iv_bit_is_a_wrong_value_mac()
    {
        var patch = _baileysPatch.Clone();
        patch.Mutations[0].Record.Value.Blob = Flip(patch.Mutations[0].Record.Value.Blob, 0);
        Assert.Equal(AppStateError.WrongValueMac, Refusal(AppStateCollection.Empty(Collection), patch));
    }

    [Fact]
    public void A_flipped_value_mac_bit_breaks_the_patch_mac_and_alone_the_value_mac()
    {
        var patch = _baileysPatch.Clone();
        var blob = patch.Mutations[0].Record.Value.Blob;
        patch.Mutations[0].Record.Value.Blob = Flip(blob, blob.Length - 1);
        Assert.Equal(AppStateError.WrongPatchMac, Refusal(AppStateCollection.Empty(Collection), patch));
        Assert.Equal(AppStateError.WrongValueMac, Assert.Throws<AppStateException>(() => AppStateRecords.Decode(patch.Mutations[0], Lookup)).Error);
    }

    [Fact]
    public void A_flipped_patch_mac_bit_is_a_wrong_patch_mac()
    {
        var patch = _baileysPatch.Clone();
        patch.PatchMac = Flip(patch.PatchMac, 31);
        Assert.Equal(AppStateError.WrongPatchMac, Refusal(AppStateCollection.Empty(Collection), patch));
    }

    [Fact]
    public void A_flipped_snapshot_mac_bit_breaks_the_patch_mac_and_under_a_valid_patch_mac_the_snapshot_mac()
    {
        var patch = _baileysPatch.Clone();
        patch.SnapshotMac = Flip(patch.SnapshotMac, 0);
        Assert.Equal(AppStateError.WrongPatchMac, Refusal(AppStateCollection.Empty(Collection), patch));
        var valueMac = patch.Mutations[0].Record.Value.Blob.Span[^AppStateMacs.MacLength..].ToArray();
        patch.PatchMac = ByteString.CopyFrom(AppStateMacs.PatchMac(patch.SnapshotMac.Span, [valueMac], 1, Collection, s_keys.PatchMac));
        Assert.Equal(AppStateError.WrongSnapshotMac, Refusal(AppStateCollection.Empty(Collection), patch));
    }

    [Fact]
    public void A_patch_on_a_different_lt_hash_is_a_wrong_snapshot_mac()
    {
        var otherState = new byte[LtHash.Length];
        otherState[17] = 1;
        var collection = AppStateCollection.Restore(Collection, 0, otherState, System.Collections.Immutable.ImmutableDictionary<string, byte[]>.Empty);
        Assert.Equal(AppStateError.WrongSnapshotMac, Refusal(collection, _baileysPatch));
    }

    [Fact]
    public void A_patch_for_another_collection_name_is_a_wrong_patch_mac() =>
        Assert.Equal(AppStateError.WrongPatchMac, Refusal(AppStateCollection.Empty("regular_low"), _baileysPatch));

    [Fact]
    public void A_replayed_patch_is_a_stale_version_and_a_skipped_one_missing_versions()
    {
        var applied = AppStateCollection.Empty(Collection).ApplyPatch(_baileysPatch, Lookup).Collection;
        Assert.Equal(AppStateError.StaleVersion, Refusal(applied, _baileysPatch));
        var ahead = _baileysPatch.Clone();
        ahead.Version.Version = 2;
        Assert.Equal(AppStateError.MissingVersions, Refusal(AppStateCollection.Empty(Collection), ahead));
    }

    [Fact]
    public void An_unknown_key_id_is_refused()
    {
        var patch = _baileysPatch.Clone();
        patch.KeyId.Id = ByteString.CopyFrom([9, 9, 9]);
        Assert.Equal(AppStateError.UnknownKeyId, Refusal(AppStateCollection.Empty(Collection), patch));
        var record = _baileysPatch.Mutations[0].Clone();
        record.Record.KeyId.Id = ByteString.CopyFrom([9, 9, 9]);
        Assert.Equal(AppStateError.UnknownKeyId, Assert.Throws<AppStateException>(() => AppStateRecords.Decode(record, Lookup)).Error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(63)]
    [InlineData(71)]
    public void A_truncated_value_blob_is_refused(int length)
    {
        var mutation = _baileysPatch.Mutations[0].Clone();
        mutation.Record.Value.Blob = ByteString.CopyFrom(mutation.Record.Value.Blob.Span[..length]);
        Assert.Equal(AppStateError.Truncated, Assert.Throws<AppStateException>(() => AppStateRecords.Decode(mutation, Lookup)).Error);
    }

    [Fact]
    public void A_short_index_mac_or_a_missing_record_is_truncated()
    {
        var shortIndex = _baileysPatch.Mutations[0].Clone();
        shortIndex.Record.Index.Blob = ByteString.CopyFrom(shortIndex.Record.Index.Blob.Span[..31]);
        Assert.Equal(AppStateError.Truncated, Assert.Throws<AppStateException>(() => AppStateRecords.Decode(shortIndex, Lookup)).Error);
        var patch = _baileysPatch.Clone();
        patch.Mutations[0].Record = null;
        Assert.Equal(AppStateError.Truncated, Refusal(AppStateCollection.Empty(Collection), patch));
    }

    [Fact]
    public void Bad_padding_under_a_valid_value_mac_is_refused()
    {
        // A last plaintext block ending in 0x00 is no PKCS#7 padding; the value MAC is right, so only the padding fails.
        var iv = new byte[AppStateRecords.IvLength];
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = s_keys.ValueEncryption;
        var ciphertext = aes.EncryptCbc(new byte[32], iv, System.Security.Cryptography.PaddingMode.None);
        var encrypted = iv.Concat(ciphertext).ToArray();
        var valueMac = AppStateMacs.ValueMac(Operation.Set, s_keyId, encrypted, s_keys.ValueMac);
        var mutation = _baileysPatch.Mutations[0].Clone();
        mutation.Record.Value.Blob = ByteString.CopyFrom([.. encrypted, .. valueMac]);
        Assert.Equal(AppStateError.BadPadding, Assert.Throws<AppStateException>(() => AppStateRecords.Decode(mutation, Lookup)).Error);
    }

    private static ByteString Flip(ByteString bytes, int at)
    {
        var copy = bytes.ToByteArray();
        copy[at] ^= 0x01;
        return ByteString.CopyFrom(copy);
    }

    private sealed record EncodedPatch(string Patch);
}

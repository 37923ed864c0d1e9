using System.Collections.Immutable;
using Google.Protobuf;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.AppState;

/// <summary>The collection after a patch or snapshot, and the mutations it carried in order.</summary>
public sealed record AppliedAppState(AppStateCollection Collection, IReadOnlyList<DecodedMutation> Mutations);

/// <summary>A patch built from local mutations, and the collection as it stands once the server accepts it.</summary>
public sealed record EncodedAppStatePatch(SyncdPatch Patch, AppStateCollection Collection);

/// <summary>
/// One app state collection (critical_block, regular_high, ...) as WhatsApp keeps it: a version, the LTHash of
/// every live record's value MAC, and each live record's value MAC by index MAC (base64). Immutable: applying a
/// patch returns a new collection, and a refused patch leaves this one as it was. Every MAC is always verified.
/// </summary>
public sealed class AppStateCollection
{
    private readonly byte[] _hash;

    private AppStateCollection(string name, ulong version, byte[] hash, ImmutableDictionary<string, byte[]> valueMacs)
    {
        Name = name;
        Version = version;
        _hash = hash;
        ValueMacs = valueMacs;
    }

    public string Name { get; }

    public ulong Version { get; }

    public ReadOnlySpan<byte> Hash => _hash;

    /// <summary>Each live record's value MAC, by its index MAC in base64.</summary>
    public ImmutableDictionary<string, byte[]> ValueMacs { get; }

    public static AppStateCollection Empty(string name) => new(name, 0, LtHash.Empty(), ImmutableDictionary<string, byte[]>.Empty);

    /// <summary>Restores a persisted collection.</summary>
    public static AppStateCollection Restore(string name, ulong version, ReadOnlySpan<byte> hash, ImmutableDictionary<string, byte[]> valueMacs)
    {
        if (hash.Length != LtHash.Length)
        {
            throw new AppStateException(AppStateError.Truncated, $"an LTHash is {LtHash.Length} bytes, not {hash.Length}");
        }
        return new AppStateCollection(name, version, hash.ToArray(), valueMacs);
    }

    /// <summary>Replaces this collection with a snapshot's records, verifying each record and the snapshot MAC.</summary>
    public AppliedAppState ApplySnapshot(SyncdSnapshot snapshot, AppStateKeyLookup keyLookup)
    {
        var version = snapshot.Version is { HasVersion: true } ? snapshot.Version.Version
            : throw new AppStateException(AppStateError.Truncated, "an app state snapshot carries its version");
        var keys = KeysOf(snapshot.KeyId, keyLookup);
        var mutations = snapshot.Records
            .Select(record => AppStateRecords.Decode(new SyncdMutation { Operation = SyncdMutation.Types.SyncdOperation.Set, Record = record }, keyLookup))
            .ToList();
        var next = Empty(Name).Mix(mutations, version);
        next.VerifySnapshotMac(snapshot.Mac, keys);
        return new AppliedAppState(next, mutations);
    }

    /// <summary>
    /// Applies the patch right after this version: verifies the patch MAC, decodes and verifies every mutation,
    /// mixes them into the LTHash in order, and verifies the snapshot MAC of the result.
    /// </summary>
    public AppliedAppState ApplyPatch(SyncdPatch patch, AppStateKeyLookup keyLookup)
    {
        var version = patch.Version is { HasVersion: true } ? patch.Version.Version
            : throw new AppStateException(AppStateError.Truncated, "an app state patch carries its version");
        if (version <= Version)
        {
            throw new AppStateException(AppStateError.StaleVersion, $"patch version {version} of {Name} is not after {Version}");
        }
        if (version != Version + 1)
        {
            throw new AppStateException(AppStateError.MissingVersions, $"patch version {version} of {Name} skips versions after {Version}");
        }
        var keys = KeysOf(patch.KeyId, keyLookup);
        var valueMacs = patch.Mutations.Select(ValueMacOf).ToList();
        if (!patch.HasSnapshotMac || !patch.HasPatchMac)
        {
            throw new AppStateException(AppStateError.Truncated, "an app state patch carries its snapshot and patch MACs");
        }
        var patchMac = AppStateMacs.PatchMac(patch.SnapshotMac.Span, valueMacs, version, Name, keys.PatchMac);
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(patchMac, patch.PatchMac.Span))
        {
            throw new AppStateException(AppStateError.WrongPatchMac, $"the patch MAC of {Name} version {version} does not match");
        }
        var mutations = patch.Mutations.Select(mutation => AppStateRecords.Decode(mutation, keyLookup)).ToList();
        var next = Mix(mutations, version);
        next.VerifySnapshotMac(patch.SnapshotMac, keys);
        return new AppliedAppState(next, mutations);
    }

    /// <summary>Builds the next patch from local mutations; <paramref name="fillIv"/> supplies each record's IV.</summary>
    public EncodedAppStatePatch EncodePatch(
        IReadOnlyList<(SyncdMutation.Types.SyncdOperation Operation, SyncActionData Data)> changes,
        ReadOnlySpan<byte> keyId,
        AppStateKeys keys,
        Action<Span<byte>> fillIv)
    {
        var iv = new byte[AppStateRecords.IvLength];
        var mutations = new List<SyncdMutation>(changes.Count);
        foreach (var (operation, data) in changes)
        {
            fillIv(iv);
            mutations.Add(AppStateRecords.Encode(operation, data, keyId, keys, iv));
        }
        var version = Version + 1;
        var next = Mix(mutations.Select(mutation => new MixedRecord(mutation.Operation, mutation.Record.Index.Blob.ToByteArray(), ValueMacOf(mutation))), version);
        var snapshotMac = AppStateMacs.SnapshotMac(next.Hash, version, Name, keys.SnapshotMac);
        var patch = new SyncdPatch
        {
            Version = new SyncdVersion { Version = version },
            SnapshotMac = ByteString.CopyFrom(snapshotMac),
            PatchMac = ByteString.CopyFrom(AppStateMacs.PatchMac(snapshotMac, mutations.Select(ValueMacOf), version, Name, keys.PatchMac)),
            KeyId = new KeyId { Id = ByteString.CopyFrom(keyId) },
        };
        patch.Mutations.AddRange(mutations);
        return new EncodedAppStatePatch(patch, next);
    }

    private readonly record struct MixedRecord(SyncdMutation.Types.SyncdOperation Operation, byte[] IndexMac, byte[] ValueMac);

    private AppStateCollection Mix(IEnumerable<DecodedMutation> mutations, ulong version) =>
        Mix(mutations.Select(mutation => new MixedRecord(mutation.Operation, mutation.IndexMac, mutation.ValueMac)), version);

    // A SET replaces the record's previous value MAC in the hash; a REMOVE takes it out. A REMOVE of a record the
    // collection does not hold changes nothing here, and the snapshot MAC then tells whether the server agrees.
    private AppStateCollection Mix(IEnumerable<MixedRecord> records, ulong version)
    {
        var valueMacs = ValueMacs.ToBuilder();
        var subtract = new List<byte[]>();
        var add = new List<byte[]>();
        foreach (var record in records)
        {
            var index = Convert.ToBase64String(record.IndexMac);
            if (valueMacs.TryGetValue(index, out var previous))
            {
                subtract.Add(previous);
            }
            if (record.Operation == SyncdMutation.Types.SyncdOperation.Remove)
            {
                valueMacs.Remove(index);
            }
            else
            {
                add.Add(record.ValueMac);
                valueMacs[index] = record.ValueMac;
            }
        }
        return new AppStateCollection(Name, version, LtHash.SubtractThenAdd(_hash, subtract, add), valueMacs.ToImmutable());
    }

    private void VerifySnapshotMac(ByteString mac, AppStateKeys keys)
    {
        var expected = AppStateMacs.SnapshotMac(_hash, Version, Name, keys.SnapshotMac);
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, mac.Span))
        {
            throw new AppStateException(AppStateError.WrongSnapshotMac, $"the snapshot MAC of {Name} version {Version} does not match its records");
        }
    }

    private static AppStateKeys KeysOf(KeyId? keyId, AppStateKeyLookup keyLookup)
    {
        if (keyId is not { HasId: true })
        {
            throw new AppStateException(AppStateError.Truncated, "an app state patch or snapshot names its key id");
        }
        return keyLookup(keyId.Id.Span) ?? throw new AppStateException(AppStateError.UnknownKeyId, "no app state sync key for this key id");
    }

    private static byte[] ValueMacOf(SyncdMutation mutation)
    {
        var blob = mutation.Record?.Value?.Blob ?? ByteString.Empty;
        if (blob.Length < AppStateMacs.MacLength)
        {
            throw new AppStateException(AppStateError.Truncated, $"an app state value of {blob.Length} bytes has no value MAC");
        }
        return blob.Span[^AppStateMacs.MacLength..].ToArray();
    }
}

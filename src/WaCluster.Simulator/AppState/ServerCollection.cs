using Google.Protobuf;
using WaCluster.Core.AppState;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Proto;

namespace WaCluster.Simulator.AppState;

/// <summary>
/// One app state collection as WhatsApp's server keeps it, without any key: the patches in version order (patch i
/// is version i + 1, stored with its version), the live records by index MAC, and the LTHash of their value MACs.
/// The snapshot MAC and key id of the latest patch also seal a snapshot of the same version, since both MAC the same
/// LTHash, version and name. A refused patch leaves everything as it was.
/// </summary>
internal sealed class ServerCollection(string name)
{
    private readonly List<SyncdPatch> _patches = [];
    private readonly Dictionary<string, SyncdRecord> _records = new(StringComparer.Ordinal);
    private byte[] _hash = LtHash.Empty();

    public string Name { get; } = name;

    public ulong Version => (ulong)_patches.Count;

    public ReadOnlySpan<byte> Hash => _hash;

    public int RecordCount => _records.Count;

    /// <summary>The snapshot last served, kept while the version it shows is current.</summary>
    public (ulong Version, ExternalBlobReference Blob)? ServedSnapshot { get; set; }

    /// <summary>The patches after <paramref name="version"/>, at most <paramref name="limit"/> of them.</summary>
    public IReadOnlyList<SyncdPatch> PatchesAfter(ulong version, int limit) =>
        version >= Version ? [] : _patches.GetRange((int)version, (int)Math.Min((ulong)limit, Version - version));

    /// <summary>The live records with the latest patch's MAC and key id; null while the collection is empty.</summary>
    public SyncdSnapshot? Snapshot()
    {
        if (_patches.Count == 0) return null;
        var latest = _patches[^1];
        var snapshot = new SyncdSnapshot { Version = new SyncdVersion { Version = Version }, Mac = latest.SnapshotMac, KeyId = latest.KeyId };
        snapshot.Records.AddRange(_records.Values);
        return snapshot;
    }

    /// <summary>Stores <paramref name="patch"/> as the next version after checking every record's layout.</summary>
    /// <exception cref="AppStateException">The patch lacks its MACs or key id, or a record is malformed.</exception>
    public SyncdPatch Append(SyncdPatch patch)
    {
        if (patch.SnapshotMac.Length != AppStateMacs.MacLength || patch.PatchMac.Length != AppStateMacs.MacLength || patch.KeyId is not { HasId: true })
        {
            throw new AppStateException(AppStateError.Truncated, "an app state patch carries its snapshot MAC, patch MAC and key id");
        }
        if (patch.ExternalMutations is not null)
        {
            throw new AppStateException(AppStateError.MalformedAction, "the simulator takes a patch's mutations inline only");
        }
        var records = new Dictionary<string, SyncdRecord>(_records, StringComparer.Ordinal);
        var subtract = new List<byte[]>();
        var add = new List<byte[]>();
        foreach (var mutation in patch.Mutations)
        {
            var index = Convert.ToBase64String(RequireLayout(mutation.Record));
            if (records.Remove(index, out var previous)) subtract.Add(ValueMacOf(previous));
            if (mutation.Operation == SyncdMutation.Types.SyncdOperation.Set)
            {
                records[index] = mutation.Record;
                add.Add(ValueMacOf(mutation.Record));
            }
        }
        var stored = patch.Clone();
        stored.Version = new SyncdVersion { Version = Version + 1 };
        _hash = LtHash.SubtractThenAdd(_hash, subtract, add);
        _records.Clear();
        foreach (var (index, record) in records) _records[index] = record;
        _patches.Add(stored);
        return stored;
    }

    // An index MAC of 32 bytes; a value of IV, whole AES blocks and the value MAC; a key id.
    private static byte[] RequireLayout(SyncdRecord? record)
    {
        var index = record?.Index?.Blob ?? ByteString.Empty;
        var value = record?.Value?.Blob ?? ByteString.Empty;
        var cipherLength = value.Length - AppStateRecords.IvLength - AppStateMacs.MacLength;
        if (index.Length != AppStateMacs.MacLength || cipherLength < AesCbcCipher.BlockLength || cipherLength % AesCbcCipher.BlockLength != 0
            || record?.KeyId is not { HasId: true })
        {
            throw new AppStateException(AppStateError.Truncated, $"an app state record has a {index.Length}-byte index MAC and a {value.Length}-byte value");
        }
        return index.ToByteArray();
    }

    private static byte[] ValueMacOf(SyncdRecord record) => record.Value.Blob.Span[^AppStateMacs.MacLength..].ToArray();
}

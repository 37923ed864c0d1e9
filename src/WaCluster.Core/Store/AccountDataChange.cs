using Google.Protobuf;
using WaCluster.Core.Proto;

namespace WaCluster.Core.Store;

/// <summary>One entry written (or removed, when <see cref="Value"/> is null) by an <see cref="AccountDataChange"/>.</summary>
public sealed record AccountDataEntry(string Kind, string Key, byte[]? Value);

/// <summary>
/// The entries one engine state change writes: persisted with that change (one atomic journal write) before the
/// engine acks the stanza that taught them, then applied to the live <see cref="AccountData"/>.
/// </summary>
public sealed class AccountDataChange
{
    private const uint ChangeVersion = 1;

    public AccountDataChange(IReadOnlyList<AccountDataEntry> entries) => Entries = entries;

    /// <summary>In write order; a later entry of the same kind and key wins.</summary>
    public IReadOnlyList<AccountDataEntry> Entries { get; }

    public bool IsEmpty => Entries.Count == 0;

    /// <summary>
    /// One change with the last value of every entry of <paramref name="changes"/> (a removal stays a removal):
    /// applying it gives what applying them all in order gives, so an account can keep the fold instead of the list.
    /// </summary>
    public static AccountDataChange Fold(IEnumerable<AccountDataChange> changes)
    {
        var last = new Dictionary<(string, string), AccountDataEntry>();
        foreach (var entry in changes.SelectMany(change => change.Entries))
        {
            last.Remove((entry.Kind, entry.Key));
            last[(entry.Kind, entry.Key)] = entry;
        }
        return new AccountDataChange([.. last.Values]);
    }

    public byte[] ToByteArray()
    {
        var structure = new AccountDataChangeStructure { Version = ChangeVersion };
        foreach (var entry in Entries)
        {
            structure.Entries.Add(new AccountDataEntryStructure
            {
                Kind = entry.Kind,
                Key = entry.Key,
                Value = entry.Value is { } value ? ByteString.CopyFrom(value) : ByteString.Empty,
                Removed = entry.Value is null,
            });
        }
        return structure.ToByteArray();
    }

    /// <summary>Reads a change written by <see cref="ToByteArray"/>; anything else is an <see cref="AccountDataFormatException"/>.</summary>
    public static AccountDataChange Parse(ReadOnlySpan<byte> bytes)
    {
        AccountDataChangeStructure structure;
        try
        {
            structure = AccountDataChangeStructure.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new AccountDataFormatException("account data change is not a valid protobuf", e);
        }
        if (structure.Version != ChangeVersion)
        {
            throw new AccountDataFormatException($"account data change version {structure.Version}, expected {ChangeVersion}");
        }
        var entries = new List<AccountDataEntry>(structure.Entries.Count);
        foreach (var entry in structure.Entries)
        {
            if (entry.Kind.Length == 0) throw new AccountDataFormatException("account data entry without a kind");
            entries.Add(new AccountDataEntry(entry.Kind, entry.Key, entry.Removed ? null : entry.Value.ToByteArray()));
        }
        return new AccountDataChange(entries);
    }
}

/// <summary>Persisted account data that cannot be read back (not a change, wrong version, entry without kind).</summary>
public sealed class AccountDataFormatException(string message, Exception? inner = null) : EngineException(message, inner);

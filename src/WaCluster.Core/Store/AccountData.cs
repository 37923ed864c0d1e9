namespace WaCluster.Core.Store;

/// <summary>
/// What an account knows beyond its creds and Signal state (the PN-LID map, privacy tokens, chat settings, app-state
/// keys and versions, history progress): entries of a kind, each under a key, as opaque bytes that typed views
/// (such as <see cref="LidMappings"/>) read and write. Changed only by applying an <see cref="AccountDataChange"/>
/// once it is durable, so memory never runs ahead of the journal. Safe to read from several handlers at once.
/// </summary>
public sealed class AccountData : IAccountDataReader
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, byte[]>> _kinds = new(StringComparer.Ordinal);

    /// <summary>The data that replaying <paramref name="changes"/> in order gives.</summary>
    public static AccountData From(IEnumerable<AccountDataChange> changes)
    {
        var data = new AccountData();
        foreach (var change in changes) data.Apply(change);
        return data;
    }

    public bool TryGet(string kind, string key, out byte[] value)
    {
        lock (_lock)
        {
            if (_kinds.TryGetValue(kind, out var entries) && entries.TryGetValue(key, out var stored))
            {
                value = stored;
                return true;
            }
        }
        value = [];
        return false;
    }

    /// <summary>Every entry of <paramref name="kind"/>, copied so that later changes do not alter it.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> Entries(string kind)
    {
        lock (_lock)
        {
            return _kinds.TryGetValue(kind, out var entries) ? [.. entries] : [];
        }
    }

    public void Apply(AccountDataChange change)
    {
        lock (_lock)
        {
            foreach (var entry in change.Entries)
            {
                if (entry.Value is { } value)
                {
                    if (!_kinds.TryGetValue(entry.Kind, out var entries)) _kinds[entry.Kind] = entries = new(StringComparer.Ordinal);
                    entries[entry.Key] = value;
                }
                else if (_kinds.TryGetValue(entry.Kind, out var entries))
                {
                    entries.Remove(entry.Key);
                }
            }
        }
    }
}

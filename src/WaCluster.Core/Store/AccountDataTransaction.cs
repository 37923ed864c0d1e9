namespace WaCluster.Core.Store;

/// <summary>
/// Writes staged over an <see cref="AccountData"/>: reads see them first, nothing reaches the data until the engine
/// has persisted <see cref="ToChange"/> and applied it. One transaction per stanza or command, like the Signal one.
/// </summary>
public sealed class AccountDataTransaction(AccountData data) : IAccountDataReader
{
    private readonly List<AccountDataEntry> _writes = [];
    private readonly Dictionary<(string, string), byte[]?> _staged = [];

    public bool IsEmpty => _writes.Count == 0;

    public bool TryGet(string kind, string key, out byte[] value)
    {
        if (_staged.TryGetValue((kind, key), out var staged))
        {
            value = staged ?? [];
            return staged is not null;
        }
        return data.TryGet(kind, key, out value);
    }

    public void Set(string kind, string key, byte[] value) => Write(new AccountDataEntry(kind, key, value));

    public void Remove(string kind, string key) => Write(new AccountDataEntry(kind, key, null));

    public AccountDataChange ToChange() => new([.. _writes]);

    private void Write(AccountDataEntry entry)
    {
        ArgumentException.ThrowIfNullOrEmpty(entry.Kind);
        _writes.Add(entry);
        _staged[(entry.Kind, entry.Key)] = entry.Value;
    }
}

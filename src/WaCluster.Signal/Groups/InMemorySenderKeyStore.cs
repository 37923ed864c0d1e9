using System.Collections.Concurrent;

namespace WaCluster.Signal.Groups;

/// <summary>
/// Sender key records kept in memory by reference (no copies). Enough for tests, tools and single-owner caches;
/// durable or transactional storage implements <see cref="ISenderKeyStore"/> itself.
/// </summary>
public sealed class InMemorySenderKeyStore : ISenderKeyStore
{
    private readonly ConcurrentDictionary<SenderKeyName, SenderKeyRecord> _records = new();

    public Task<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name) =>
        Task.FromResult(_records.TryGetValue(name, out var record) ? record : null);

    public Task StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record)
    {
        _records[name] = record;
        return Task.CompletedTask;
    }
}

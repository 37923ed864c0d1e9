using WaCluster.Signal.Groups;

namespace WaCluster.Signal.Tests.Groups;

/// <summary>
/// Keeps records only as bytes, like a durable store: every load deserializes and every store serializes, so each
/// step round-trips the record format. Counts writes so tests can see that failures write nothing.
/// </summary>
internal sealed class SerializingSenderKeyStore : ISenderKeyStore
{
    private readonly Dictionary<SenderKeyName, byte[]> _records = [];

    public int Writes { get; private set; }

    public byte[]? BytesOf(SenderKeyName name) => _records.GetValueOrDefault(name);

    public SenderKeyRecord? RecordOf(SenderKeyName name) =>
        _records.TryGetValue(name, out var bytes) ? SenderKeyRecord.FromBytes(bytes) : null;

    public Task<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name) => Task.FromResult(RecordOf(name));

    public Task StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record)
    {
        var bytes = record.ToBytes();
        // The format must reproduce itself exactly, or a later load would see a different state.
        Assert.Equal(bytes, SenderKeyRecord.FromBytes(bytes).ToBytes());
        _records[name] = bytes;
        Writes++;
        return Task.CompletedTask;
    }
}

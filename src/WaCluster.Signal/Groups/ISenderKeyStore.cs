namespace WaCluster.Signal.Groups;

/// <summary>
/// Where sender key records live, one per (group, sender device). The group cipher loads a record, changes it only
/// when an operation succeeds, then stores it; a store that hands out shared instances must clone on load if it
/// needs isolation (e.g. a transaction overlay), see <see cref="SenderKeyRecord.Clone"/>.
/// </summary>
public interface ISenderKeyStore
{
    /// <summary>The record for <paramref name="name"/>, or null when none was stored.</summary>
    Task<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name);

    Task StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record);
}

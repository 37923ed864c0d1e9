using Google.Protobuf;
using WaCluster.Signal.Groups;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Proto;
using WaCluster.Signal.Sessions;

namespace WaCluster.Signal.Stores;

/// <summary>
/// The complete effect of one or more Signal operations on an account's state: what the account actor persists as
/// one journal event (<see cref="ToByteArray"/>) before acknowledging, and replays with <see cref="ApplyAsync"/>.
/// A null value means removed (a consumed pre-key, a deleted session).
/// </summary>
public sealed class SignalStateChange
{
    internal const uint ChangeVersion = 1;

    internal SignalStateChange(
        IReadOnlyDictionary<ProtocolAddress, SessionRecord?> sessions,
        IReadOnlyDictionary<uint, PreKeyRecord?> preKeys,
        IReadOnlyDictionary<uint, SignedPreKeyRecord> signedPreKeys,
        IReadOnlyDictionary<ProtocolAddress, IdentityKey> identities,
        IReadOnlyDictionary<SenderKeyName, SenderKeyRecord> senderKeys)
    {
        Sessions = sessions;
        PreKeys = preKeys;
        SignedPreKeys = signedPreKeys;
        Identities = identities;
        SenderKeys = senderKeys;
    }

    public IReadOnlyDictionary<ProtocolAddress, SessionRecord?> Sessions { get; }

    public IReadOnlyDictionary<uint, PreKeyRecord?> PreKeys { get; }

    public IReadOnlyDictionary<uint, SignedPreKeyRecord> SignedPreKeys { get; }

    public IReadOnlyDictionary<ProtocolAddress, IdentityKey> Identities { get; }

    public IReadOnlyDictionary<SenderKeyName, SenderKeyRecord> SenderKeys { get; }

    public bool IsEmpty => Sessions.Count == 0 && PreKeys.Count == 0 && SignedPreKeys.Count == 0 && Identities.Count == 0
        && SenderKeys.Count == 0;

    /// <summary>Writes the change into <paramref name="target"/> (normally the transaction's backing store).</summary>
    public async Task ApplyAsync(ISignalProtocolStore target)
    {
        foreach (var (address, key) in Identities)
        {
            await target.SaveIdentityAsync(address, key);
        }
        foreach (var record in SignedPreKeys.Values)
        {
            await target.StoreSignedPreKeyAsync(record);
        }
        foreach (var (id, record) in PreKeys)
        {
            await (record is null ? target.RemovePreKeyAsync(id) : target.StorePreKeyAsync(record));
        }
        foreach (var (address, record) in Sessions)
        {
            await (record is null ? target.DeleteSessionAsync(address) : target.StoreSessionAsync(address, record));
        }
        foreach (var (name, record) in SenderKeys)
        {
            // Sender key records are mutable: the target gets its own copy so this change stays as it was.
            await target.StoreSenderKeyAsync(name, record.Clone());
        }
    }

    public byte[] ToByteArray()
    {
        var structure = new SignalStateChangeStructure { Version = ChangeVersion };
        foreach (var (address, record) in Sessions)
        {
            structure.Sessions.Add(new SessionChangeStructure
            {
                Address = address.ToString(),
                Record = record is null ? null : SessionRecordSerializer.ToStructure(record),
            });
        }
        foreach (var (id, record) in PreKeys)
        {
            structure.PreKeys.Add(new PreKeyChangeStructure { Id = id, Record = record?.ToStructure() });
        }
        foreach (var (id, record) in SignedPreKeys)
        {
            structure.SignedPreKeys.Add(new SignedPreKeyChangeStructure { Id = id, Record = record.ToStructure() });
        }
        foreach (var (address, key) in Identities)
        {
            structure.Identities.Add(new IdentityChangeStructure
            {
                Address = address.ToString(),
                IdentityKey = UnsafeByteOperations.UnsafeWrap(key.Bytes),
            });
        }
        foreach (var (name, record) in SenderKeys)
        {
            structure.SenderKeys.Add(new SenderKeyChangeStructure
            {
                GroupId = name.GroupId,
                Sender = name.Sender.ToString(),
                Record = UnsafeByteOperations.UnsafeWrap(record.ToBytes()),
            });
        }
        return structure.ToByteArray();
    }

    /// <summary>Reads a change written by <see cref="ToByteArray"/>; anything malformed is an <see cref="InvalidMessageException"/>.</summary>
    public static SignalStateChange Parse(ReadOnlySpan<byte> bytes)
    {
        const string what = "signal state change";
        var structure = RecordParsing.Parse(SignalStateChangeStructure.Parser, bytes, what);
        RecordParsing.RequireVersion(structure.Version, ChangeVersion, what);
        var sessions = new Dictionary<ProtocolAddress, SessionRecord?>();
        var preKeys = new Dictionary<uint, PreKeyRecord?>();
        var signedPreKeys = new Dictionary<uint, SignedPreKeyRecord>();
        var identities = new Dictionary<ProtocolAddress, IdentityKey>();
        var senderKeys = new Dictionary<SenderKeyName, SenderKeyRecord>();
        foreach (var session in structure.Sessions)
        {
            sessions[Address(session.Address)] = session.Record is null ? null : SessionRecordSerializer.FromStructure(session.Record);
        }
        foreach (var preKey in structure.PreKeys)
        {
            var record = preKey.Record is null ? null : PreKeyRecord.FromStructure(preKey.Record);
            if (record is not null && record.Id != preKey.Id)
            {
                throw new InvalidMessageException($"{what} files pre-key {record.Id} under id {preKey.Id}");
            }
            preKeys[preKey.Id] = record;
        }
        foreach (var signed in structure.SignedPreKeys)
        {
            var record = signed.Record is null
                ? throw new InvalidMessageException($"{what} has signed pre-key {signed.Id} without its record")
                : SignedPreKeyRecord.FromStructure(signed.Record);
            if (record.Id != signed.Id)
            {
                throw new InvalidMessageException($"{what} files signed pre-key {record.Id} under id {signed.Id}");
            }
            signedPreKeys[signed.Id] = record;
        }
        foreach (var identity in structure.Identities)
        {
            identities[Address(identity.Address)] = RecordParsing.Guard(what,
                () => IdentityKey.FromBytes(PublicKeys.RequirePrefixed(identity.IdentityKey.Span, "identity key")));
        }
        foreach (var senderKey in structure.SenderKeys)
        {
            senderKeys[new SenderKeyName(senderKey.GroupId, Address(senderKey.Sender))] = SenderKeyRecord.FromBytes(senderKey.Record.Span);
        }
        return new SignalStateChange(sessions, preKeys, signedPreKeys, identities, senderKeys);
    }

    private static ProtocolAddress Address(string encoded)
    {
        try
        {
            return ProtocolAddress.Parse(encoded);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new InvalidMessageException($"signal state change names an invalid address '{encoded}'", ex);
        }
    }
}

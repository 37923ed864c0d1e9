using System.Collections.Immutable;
using Google.Protobuf;
using WaCluster.Core.AppState;
using WaCluster.Core.Proto;

namespace WaCluster.Core.Store;

/// <summary>
/// Each app state collection's synced state by name (version, LTHash, value MAC by index MAC): a collection never
/// synced is <see cref="AppStateCollection.Empty"/>, and a resync starts again from there.
/// </summary>
public sealed class AppStateVersions(IAccountDataReader data)
{
    public const string Kind = "app-state-version";

    public AppStateCollection Get(string name)
    {
        if (!data.TryGet(Kind, name, out var stored)) return AppStateCollection.Empty(name);
        try
        {
            var structure = AppStateCollectionStructure.Parser.ParseFrom(stored);
            var valueMacs = structure.Records.ToImmutableDictionary(
                record => Convert.ToBase64String(record.IndexMac.Span), record => record.ValueMac.ToByteArray());
            return AppStateCollection.Restore(name, structure.Version, structure.Hash.Span, valueMacs);
        }
        catch (Exception error) when (error is InvalidProtocolBufferException or AppStateException or ArgumentException)
        {
            throw new AccountDataFormatException($"the stored state of app state collection {name} is malformed", error);
        }
    }

    public static void Store(AccountDataTransaction transaction, AppStateCollection collection)
    {
        var structure = new AppStateCollectionStructure { Version = collection.Version, Hash = ByteString.CopyFrom(collection.Hash) };
        structure.Records.AddRange(collection.ValueMacs
            .OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .Select(entry => new AppStateRecordMacStructure
            {
                IndexMac = ByteString.CopyFrom(Convert.FromBase64String(entry.Key)),
                ValueMac = ByteString.CopyFrom(entry.Value),
            }));
        transaction.Set(Kind, collection.Name, structure.ToByteArray());
    }
}

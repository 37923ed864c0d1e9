using WaCluster.Protocol.Proto;

namespace WaCluster.Simulator.AppState;

/// <summary>An account's app state: the server's five collections and the phone that holds the key and wrote the seed.</summary>
internal sealed class UserAppState
{
    private readonly Dictionary<string, ServerCollection> _collections;

    public UserAppState(PhoneAppState phone, IEnumerable<(string Collection, SyncdPatch Patch)> seed)
    {
        Phone = phone;
        _collections = AppStateCollections.Names.ToDictionary(name => name, name => new ServerCollection(name), StringComparer.Ordinal);
        foreach (var (collection, patch) in seed) _collections[collection].Append(patch);
    }

    public PhoneAppState Phone { get; }

    public ServerCollection? Collection(string name) => _collections.GetValueOrDefault(name);

    public IReadOnlyDictionary<string, ulong> Versions => _collections.ToDictionary(c => c.Key, c => c.Value.Version, StringComparer.Ordinal);
}

using WaCluster.Core.Events;
using WaCluster.Core.Iq;
using WaCluster.Core.Store;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.AppState;

/// <summary>What syncing one collection from one answer came to.</summary>
public abstract record AppStateSyncOutcome(string Name);

/// <summary>
/// The answer applied: the collection as it now stands (staged by <see cref="AppStateSync.Stage"/>), the mutations
/// of its snapshot and patches in order and what they mean (<see cref="Update"/>, emitted once the state is
/// persisted), and whether the server holds more patches to fetch next.
/// </summary>
public sealed record AppStateSynced(AppStateCollection Collection, IReadOnlyList<DecodedMutation> Mutations, AppStateUpdate Update, bool HasMorePatches)
    : AppStateSyncOutcome(Collection.Name);

/// <summary>
/// The answer was refused (<paramref name="Error"/>) and nothing of it applies: the collection is fetched again with
/// its snapshot (<see cref="Request"/>). <paramref name="MissingKeyIds"/> are the key ids the answer named that this
/// device lacks, to ask our primary for.
/// </summary>
public sealed record AppStateResyncNeeded(string Name, AppStateError Error, string Reason, ulong Version, IReadOnlyList<byte[]> MissingKeyIds)
    : AppStateSyncOutcome(Name)
{
    public AppStateCollectionRequest Request => new(Name, Version, ReturnSnapshot: true);
}

/// <summary>The server refused to sync the collection (its error inside the answer); the collection is unchanged.</summary>
public sealed record AppStateSyncRefused(string Name, AppStateCollectionError Error) : AppStateSyncOutcome(Name);

/// <summary>
/// Applies the server's answer for one collection to its stored state: the snapshot first (when the answer has one,
/// downloaded and decoded by the caller), then each patch in order, every MAC verified. Any refusal refuses the
/// whole answer, never one record quietly.
/// </summary>
public static class AppStateSync
{
    /// <summary>The collections WhatsApp keeps, in the order WhatsApp Web syncs them.</summary>
    public static readonly IReadOnlyList<string> Collections = ["critical_block", "critical_unblock_low", "regular_high", "regular_low", "regular"];

    /// <summary>The request for each collection from its stored state: a collection never synced asks for its snapshot.</summary>
    public static IReadOnlyList<AppStateCollectionRequest> Requests(AppStateVersions versions, IEnumerable<string> names) =>
        names.Select(name => (Name: name, versions.Get(name).Version))
            .Select(stored => new AppStateCollectionRequest(stored.Name, stored.Version, ReturnSnapshot: stored.Version == 0)).ToList();

    /// <param name="current">The collection's stored state.</param>
    /// <param name="response">The server's answer for it; a patch with external mutations has them inlined (<see cref="Inline"/>).</param>
    /// <param name="snapshot">The downloaded snapshot, exactly when <paramref name="response"/> references one.</param>
    /// <param name="keyLookup">This device's app state sync keys.</param>
    public static AppStateSyncOutcome Apply(AppStateCollection current, AppStateCollectionResponse response, SyncdSnapshot? snapshot, AppStateKeyLookup keyLookup)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(response);
        if (response.Name != current.Name) throw new ArgumentException($"an answer for {response.Name} applied to {current.Name}", nameof(response));
        if ((response.Snapshot is null) != (snapshot is null)) throw new ArgumentException("the snapshot is given exactly when the answer references one", nameof(snapshot));
        if (response.Error is { } error) return new AppStateSyncRefused(current.Name, error);
        try
        {
            var mutations = new List<DecodedMutation>();
            var collection = current;
            if (snapshot is not null)
            {
                var restored = AppStateCollection.Empty(current.Name).ApplySnapshot(snapshot, keyLookup);
                collection = restored.Collection;
                mutations.AddRange(restored.Mutations);
            }
            foreach (var patch in response.Patches)
            {
                if (patch.ExternalMutations is not null && patch.Mutations.Count == 0)
                {
                    throw new ArgumentException("a patch's external mutations are inlined before it is applied", nameof(response));
                }
                var applied = collection.ApplyPatch(patch, keyLookup);
                collection = applied.Collection;
                mutations.AddRange(applied.Mutations);
            }
            var changes = mutations.Select(mutation => AppStateActions.Read(current.Name, mutation)).ToList();
            return new AppStateSynced(collection, mutations, new AppStateUpdate(current.Name, snapshot is not null, changes), response.HasMorePatches);
        }
        catch (AppStateException refusal)
        {
            return new AppStateResyncNeeded(current.Name, refusal.Error, refusal.Message, current.Version, MissingKeyIds(response, snapshot, keyLookup));
        }
    }

    /// <summary>The patch with the mutations its external blob held (downloaded as <c>md-app-state</c>) in place of the reference.</summary>
    public static SyncdPatch Inline(SyncdPatch patch, SyncdMutations external)
    {
        var inlined = patch.Clone();
        inlined.ExternalMutations = null;
        inlined.Mutations.Clear();
        inlined.Mutations.AddRange(external.Mutations);
        return inlined;
    }

    /// <summary>Stages what an outcome persists: a synced collection's state; a refusal changes nothing stored.</summary>
    public static void Stage(AccountDataTransaction transaction, AppStateSyncOutcome outcome)
    {
        if (outcome is AppStateSynced synced) AppStateVersions.Store(transaction, synced.Collection);
    }

    private static List<byte[]> MissingKeyIds(AppStateCollectionResponse response, SyncdSnapshot? snapshot, AppStateKeyLookup keyLookup)
    {
        var named = new List<KeyId?>();
        if (snapshot is not null)
        {
            named.Add(snapshot.KeyId);
            named.AddRange(snapshot.Records.Select(record => record.KeyId));
        }
        foreach (var patch in response.Patches)
        {
            named.Add(patch.KeyId);
            named.AddRange(patch.Mutations.Select(mutation => mutation.Record?.KeyId));
        }
        return named
            .Where(id => id is { HasId: true, Id.Length: > 0 })
            .Select(id => id!.Id.ToByteArray())
            .DistinctBy(Convert.ToBase64String)
            .Where(id => keyLookup(id) is null)
            .ToList();
    }
}

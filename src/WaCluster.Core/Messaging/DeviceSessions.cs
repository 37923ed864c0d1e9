using WaCluster.Protocol.Jids;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;

namespace WaCluster.Core.Messaging;

/// <summary>
/// The pairwise sessions a send needs: the devices we hold no session with get one from a fetched bundle; a device the
/// server has no bundle for stays without one (it cannot be reached now). Changes stay in the transaction.
/// </summary>
internal static class DeviceSessions
{
    public static async Task EnsureAsync(SignalStoreTransaction keys, IEnumerable<Jid> devices,
        Func<IReadOnlyList<Jid>, Task<IReadOnlyDictionary<Jid, PreKeyBundle>>> fetchBundles)
    {
        var missing = new List<Jid>();
        foreach (var device in devices)
        {
            if (!await new SessionCipher(keys, SignalAddresses.Of(device)).HasOpenSessionAsync().ConfigureAwait(false)) missing.Add(device);
        }
        if (missing.Count == 0) return;
        var bundles = await fetchBundles(missing).ConfigureAwait(false);
        foreach (var device in missing)
        {
            if (bundles.TryGetValue(device, out var bundle))
            {
                await new SessionBuilder(keys, SignalAddresses.Of(device)).ProcessBundleAsync(bundle).ConfigureAwait(false);
            }
        }
    }
}

using WaCluster.Core.Store;
using WaCluster.Protocol.Jids;
using WaCluster.Signal;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;

namespace WaCluster.Core.Messaging;

/// <summary>
/// The pairwise sessions a send needs: the devices we hold no session with get one from a fetched bundle; a device the
/// server has no bundle for stays without one (it cannot be reached now). Changes stay in the transaction. With the
/// PN-LID map given, sessions are where <see cref="LidSessions"/> keeps them.
/// </summary>
internal static class DeviceSessions
{
    public static async Task EnsureAsync(SignalStoreTransaction keys, IEnumerable<Jid> devices,
        Func<IReadOnlyList<Jid>, Task<IReadOnlyDictionary<Jid, PreKeyBundle>>> fetchBundles, IAccountDataReader? addressing = null)
    {
        async Task<ProtocolAddress> AddressOf(Jid device) =>
            addressing is null ? SignalAddresses.Of(device) : await LidSessions.AddressAsync(keys, addressing, device).ConfigureAwait(false);

        var missing = new List<Jid>();
        foreach (var device in devices)
        {
            if (!await new SessionCipher(keys, await AddressOf(device).ConfigureAwait(false)).HasOpenSessionAsync().ConfigureAwait(false)) missing.Add(device);
        }
        if (missing.Count == 0) return;
        var bundles = await fetchBundles(missing).ConfigureAwait(false);
        foreach (var device in missing)
        {
            if (bundles.TryGetValue(device, out var bundle))
            {
                await new SessionBuilder(keys, await AddressOf(device).ConfigureAwait(false)).ProcessBundleAsync(bundle).ConfigureAwait(false);
            }
        }
    }
}

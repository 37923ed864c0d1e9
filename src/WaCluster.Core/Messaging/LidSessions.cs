using WaCluster.Core.Store;
using WaCluster.Protocol.Jids;
using WaCluster.Signal;
using WaCluster.Signal.Stores;

namespace WaCluster.Core.Messaging;

/// <summary>
/// Where a device's pairwise session (and identity) lives: under its LID address as soon as the account knows the
/// device's LID, whichever form the wire names it by, as Baileys 7 keys them. A session still under the phone-number
/// address is moved there the first time the device is addressed after the pair is learned (in the caller's
/// transaction, so the move is persisted with what caused it); the LID session wins when both exist, so a device
/// never keeps two live sessions.
/// </summary>
public static class LidSessions
{
    public static async Task<ProtocolAddress> AddressAsync(ISignalProtocolStore keys, IAccountDataReader data, Jid device)
    {
        var mappings = new LidMappings(data);
        var (pn, lid) = device.IsLid ? (mappings.PnOf(device), (Jid?)device) : ((Jid?)device, mappings.LidOf(device));
        if (lid is not { } lidDevice) return SignalAddresses.Of(device);
        var lidAddress = SignalAddresses.Of(lidDevice);
        if (pn is { } pnDevice) await MigrateAsync(keys, SignalAddresses.Of(pnDevice), lidAddress).ConfigureAwait(false);
        return lidAddress;
    }

    private static async Task MigrateAsync(ISignalProtocolStore keys, ProtocolAddress from, ProtocolAddress to)
    {
        if (await keys.LoadSessionAsync(from).ConfigureAwait(false) is not { } record) return;
        if (await keys.LoadSessionAsync(to).ConfigureAwait(false) is null)
        {
            await keys.StoreSessionAsync(to, record).ConfigureAwait(false);
            if (await keys.GetIdentityAsync(to).ConfigureAwait(false) is null && await keys.GetIdentityAsync(from).ConfigureAwait(false) is { } identity)
            {
                await keys.SaveIdentityAsync(to, identity).ConfigureAwait(false);
            }
        }
        await keys.DeleteSessionAsync(from).ConfigureAwait(false);
    }
}

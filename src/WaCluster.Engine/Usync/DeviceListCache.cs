using WaCluster.Core.Usync;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Usync;

/// <summary>
/// Device lists by user, as the last usync gave them, for a while (Baileys' user devices cache, 5 minutes): a burst of
/// sends to the same people asks the server once. A devices notification or a retry receipt from a user drops that
/// user's entry, since their device list may have changed. Bounded; memory only (it is refetched after a restart).
/// </summary>
internal sealed class DeviceListCache(TimeProvider time, TimeSpan? lifetime = null, int capacity = 10_000)
{
    private readonly TimeSpan _lifetime = lifetime ?? TimeSpan.FromMinutes(5);
    private readonly Lock _lock = new();
    private readonly Dictionary<Jid, (UserDevices Devices, DateTimeOffset At)> _byUser = [];
    private readonly Queue<Jid> _order = new();

    /// <summary>Serializes fetches, so concurrent sends to the same users wait for one query instead of each making their own.</summary>
    public SemaphoreSlim FetchLock { get; } = new(1, 1);

    public bool TryGet(Jid user, out UserDevices devices)
    {
        lock (_lock)
        {
            if (_byUser.TryGetValue(user.ToNonAd(), out var entry) && time.GetUtcNow() - entry.At < _lifetime)
            {
                devices = entry.Devices;
                return true;
            }
        }
        devices = null!;
        return false;
    }

    public void Add(UserDevices devices)
    {
        var user = devices.User.ToNonAd();
        lock (_lock)
        {
            if (!_byUser.ContainsKey(user)) _order.Enqueue(user);
            _byUser[user] = (devices, time.GetUtcNow());
            while (_byUser.Count > capacity && _order.TryDequeue(out var oldest)) _byUser.Remove(oldest);
        }
    }

    public void Invalidate(Jid user)
    {
        lock (_lock) _byUser.Remove(user.ToNonAd());
    }
}

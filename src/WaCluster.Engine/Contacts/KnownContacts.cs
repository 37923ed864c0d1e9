using WaCluster.Core.Events;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Contacts;

/// <summary>
/// The contacts already announced, so <c>contacts.upsert</c> carries only news. Bounded (oldest forgotten first: at
/// worst one is announced again); memory only.
/// </summary>
internal sealed class KnownContacts(int capacity = 10_000)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Jid, ContactInfo> _byId = [];
    private readonly Queue<Jid> _order = new();

    /// <summary>Merges <paramref name="seen"/> into what is known; returns the merged contact when it adds anything, else null.</summary>
    public ContactInfo? Merge(ContactInfo seen)
    {
        var id = seen.Id.ToNonAd();
        lock (_lock)
        {
            _byId.TryGetValue(id, out var known);
            var merged = new ContactInfo(id, seen.Notify ?? known?.Notify, seen.Lid?.ToNonAd() ?? known?.Lid);
            if (merged == known) return null;
            if (known is null) _order.Enqueue(id);
            _byId[id] = merged;
            while (_byId.Count > capacity && _order.TryDequeue(out var oldest)) _byId.Remove(oldest);
            return merged;
        }
    }
}

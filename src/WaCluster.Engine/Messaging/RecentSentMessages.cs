using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;

namespace WaCluster.Engine.Messaging;

/// <summary>
/// What we sent lately, so a peer's retry receipt can be answered by encrypting the message again. Bounded in count
/// and age (like Baileys' recent message cache): a retry for anything older is not answered.
/// </summary>
internal sealed class RecentSentMessages(TimeProvider time, int capacity = 512, TimeSpan? lifetime = null)
{
    private readonly TimeSpan _lifetime = lifetime ?? TimeSpan.FromMinutes(5);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (Jid Chat, Message Message, DateTimeOffset At)> _byKey = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public void Add(Jid chat, string id, Message message)
    {
        var key = KeyOf(chat, id);
        lock (_lock)
        {
            if (_byKey.TryAdd(key, (chat, message, time.GetUtcNow()))) _order.Enqueue(key);
            while (_order.Count > capacity) _byKey.Remove(_order.Dequeue());
        }
    }

    public bool TryGet(Jid chat, string id, out Message message)
    {
        lock (_lock)
        {
            if (_byKey.TryGetValue(KeyOf(chat, id), out var entry) && time.GetUtcNow() - entry.At <= _lifetime)
            {
                message = entry.Message;
                return true;
            }
        }
        message = null!;
        return false;
    }

    private static string KeyOf(Jid chat, string id) => chat.ToNonAd() + "|" + id;
}

using WaCluster.Core.Events;

namespace WaCluster.Engine.State;

/// <summary>
/// The ids of the most recent incoming messages, oldest forgotten first. A message the server delivers again (its ack
/// was lost, or we crashed after persisting it) is recognised here: its ratchet step is already spent, so it must be
/// acked without decrypting or announcing it twice. Keys are "sender|id" since ids are only unique per sender.
/// </summary>
public sealed class ReceivedMessageWindow
{
    /// <summary>Enough to cover an offline burst and its redelivery; small enough to journal cheaply.</summary>
    public const int DefaultCapacity = 2000;

    private readonly int _capacity;
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public ReceivedMessageWindow(int capacity = DefaultCapacity, IEnumerable<string>? restored = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        foreach (var key in restored ?? []) Add(key);
    }

    public int Count => _keys.Count;

    public static string KeyOf(string sender, string id) => sender + "|" + id;

    public static string KeyOf(ReceivedMessage message) => KeyOf(message.Sender.ToString(), message.Key.Id);

    public bool Contains(string key) => _keys.Contains(key);

    /// <summary>Remembers <paramref name="key"/>; false when it was already known.</summary>
    public bool Add(string key)
    {
        if (!_keys.Add(key)) return false;
        _order.Enqueue(key);
        while (_order.Count > _capacity) _keys.Remove(_order.Dequeue());
        return true;
    }

    /// <summary>The remembered keys, oldest first (what a snapshot stores).</summary>
    public IReadOnlyList<string> ToList() => [.. _order];
}

namespace WaCluster.Actors.Accounts;

/// <summary>
/// The most recent message ids an account has handled, bounded so that a long-lived account does not grow without
/// limit; an id older than the window is forgotten first.
/// </summary>
public sealed class DedupeWindow
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public DedupeWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _ids.Count;

    public bool Contains(string id) => _ids.Contains(id);

    public void Add(string id)
    {
        if (!_ids.Add(id))
        {
            return;
        }
        _order.Enqueue(id);
        if (_order.Count > Capacity)
        {
            _ids.Remove(_order.Dequeue());
        }
    }

    /// <summary>Oldest first.</summary>
    public IEnumerable<string> InOrder => _order;
}

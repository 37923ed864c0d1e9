using WaCluster.Protocol.Binary;

namespace WaCluster.Simulator.Accounts;

/// <summary>A stanza owed to a device until it acks it: by id and ack class (message, receipt, notification).</summary>
public sealed record PendingStanza(string Id, string AckClass, BinaryNode Node);

/// <summary>
/// Per-device store of stanzas not yet acknowledged. A stanza stays here while delivered live, so a connection lost
/// before the ack gets it again on the next login. Guarded by the simulator's state lock.
/// </summary>
public sealed class UnackedStanzas
{
    private readonly List<PendingStanza> _items = [];

    public int Count => _items.Count;

    public IReadOnlyList<PendingStanza> Items => _items;

    public void Add(PendingStanza stanza) => _items.Add(stanza);

    /// <summary>Removes what the ack names; false when nothing matched (a duplicate or unknown ack).</summary>
    public bool Acknowledge(string id, string ackClass) =>
        _items.RemoveAll(item => item.Id == id && item.AckClass == ackClass) > 0;
}

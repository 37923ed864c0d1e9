using WaCluster.Contracts;
using WaCluster.Contracts.Proto;

namespace WaCluster.Actors.Accounts;

/// <summary>
/// The latest incoming messages seen while an account recovers, published once more when recovery completes: a crash
/// may fall between a message's journal write and its publication, and the server will not deliver it again (the
/// engine dedupes it from the journal). Subscribers deduplicate by message id, as at-least-once delivery requires.
/// </summary>
internal sealed class ReplayedMessages(int capacity)
{
    private readonly Queue<MessageReceived> _latest = new();

    public void Replayed(IAccountJournalEvent journalEvent)
    {
        if (journalEvent is not InboundStored { Message: { } message })
        {
            return;
        }
        _latest.Enqueue(message);
        if (_latest.Count > capacity)
        {
            _latest.Dequeue();
        }
    }

    /// <summary>The kept messages, oldest first, each handed out once.</summary>
    public IEnumerable<MessageReceived> Drain()
    {
        while (_latest.TryDequeue(out var message))
        {
            yield return message;
        }
    }
}

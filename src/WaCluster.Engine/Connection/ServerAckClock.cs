using System.Collections.Concurrent;

namespace WaCluster.Engine.Connection;

/// <summary>
/// When each of our message stanzas left, until the server acks it. Bounded: acks that never come (a dropped
/// connection takes its clock with it) cannot grow it past <see cref="Capacity"/>; beyond that sends go untimed.
/// </summary>
internal sealed class ServerAckClock(TimeProvider time)
{
    public const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, long> _sent = new(StringComparer.Ordinal);

    public void Sent(string messageId)
    {
        if (_sent.Count < Capacity) _sent.TryAdd(messageId, time.GetTimestamp());
    }

    /// <summary>The time since <paramref name="messageId"/> left, or null when it was not timed.</summary>
    public TimeSpan? Acked(string messageId) => _sent.TryRemove(messageId, out var started) ? time.GetElapsedTime(started) : null;
}

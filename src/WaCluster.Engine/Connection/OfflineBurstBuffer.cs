using WaCluster.Core.Events;

namespace WaCluster.Engine.Connection;

/// <summary>
/// Baileys' event buffer for the login burst: messages the server replays from the offline queue are held back and
/// announced together as one <c>messages.upsert</c> once the offline marker (<c>&lt;ib&gt;&lt;offline&gt;</c>) is
/// processed, instead of one event per stanza. After the flush, messages pass straight through.
/// </summary>
internal sealed class OfflineBurstBuffer
{
    private readonly Lock _lock = new();
    private List<ReceivedMessage>? _held = [];

    /// <summary>Holds <paramref name="messages"/> while the burst lasts; false once flushed (the caller emits them).</summary>
    public bool TryHold(IReadOnlyList<ReceivedMessage> messages)
    {
        lock (_lock)
        {
            if (_held is null) return false;
            _held.AddRange(messages);
            return true;
        }
    }

    /// <summary>Ends the burst; returns what was held (empty if nothing, or if already flushed).</summary>
    public IReadOnlyList<ReceivedMessage> Flush()
    {
        lock (_lock)
        {
            var held = _held ?? [];
            _held = null;
            return held;
        }
    }
}

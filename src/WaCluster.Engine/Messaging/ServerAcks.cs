using System.Collections.Concurrent;
using System.Globalization;
using WaCluster.Core;
using WaCluster.Core.Iq;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Messaging;

/// <summary>
/// Waits for the server's <c>&lt;ack class="message" id=…&gt;</c> of each message sent on one connection: the send is
/// complete only then (the server holds it and will deliver it). An ack with an <c>error</c> attribute fails the send
/// with <see cref="MessageRejectedException"/>; no ack in time fails it with <see cref="ServerAckTimeoutException"/>;
/// a connection that ends first fails it with <see cref="ConnectionClosedException"/>.
/// </summary>
internal sealed class ServerAcks(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<BinaryNode>> _pending = new(StringComparer.Ordinal);
    private string? _closedReason;

    /// <summary>Registers <paramref name="id"/> before its stanza leaves, so that an ack arriving at once is not missed.</summary>
    public Task<BinaryNode> Expect(string id)
    {
        var waiter = new TaskCompletionSource<BinaryNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(id, waiter)) throw new EngineException($"message {id} is already waiting for its server ack");
        // Close may have run between the check in Close's loop and TryAdd: fail the late registration ourselves.
        if (_closedReason is { } reason && _pending.TryRemove(id, out _)) waiter.TrySetException(new ConnectionClosedException(reason));
        return waiter.Task;
    }

    /// <summary>Waits for the ack registered by <see cref="Expect"/>; throws the typed error of an error ack.</summary>
    public async Task WaitAsync(string id, Task<BinaryNode> ack, TimeSpan timeout, CancellationToken cancellationToken)
    {
        BinaryNode node;
        try
        {
            node = await ack.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ServerAckTimeoutException(id, timeout);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
        if (node.GetAttribute("error") is { } error)
        {
            var code = int.TryParse(error, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            throw new MessageRejectedException(id, code);
        }
    }

    /// <summary>Forgets a registration whose stanza never left.</summary>
    public void Cancel(string id) => _pending.TryRemove(id, out _);

    /// <summary>Completes the send this message ack is for; false when nothing waits for it.</summary>
    public bool TryComplete(BinaryNode ack) =>
        ack.GetAttribute("id") is { } id && _pending.TryRemove(id, out var waiter) && waiter.TrySetResult(ack);

    /// <summary>The connection is gone: no ack will come on it for any waiting send.</summary>
    public void Close(string reason)
    {
        _closedReason = reason;
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var waiter)) waiter.TrySetException(new ConnectionClosedException(reason));
        }
    }
}

/// <summary>The server refused a message (its ack carries an error code, e.g. 404 unknown recipient, 403 not a member).</summary>
public sealed class MessageRejectedException(string id, int code)
    : EngineException($"the server rejected message {id} with error {code}")
{
    public string Id { get; } = id;

    public int Code { get; } = code;
}

/// <summary>The server did not ack a message in time: it may or may not hold it, so resend it with the same id.</summary>
public sealed class ServerAckTimeoutException(string id, TimeSpan timeout)
    : EngineException($"no server ack for message {id} within {timeout.TotalMilliseconds:0} ms")
{
    public string Id { get; } = id;
}

using System.Collections.Concurrent;
using WaCluster.Core.Iq;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Connection;

/// <summary>
/// Matches responses to requests by stanza id. A response that never comes fails the request with
/// <see cref="IqTimeoutException"/>; a closed connection fails all of them. Reading the response (an error response
/// included) is <see cref="IqResponses"/>' part.
/// </summary>
public sealed class IqCorrelator(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<BinaryNode>> _pending = new(StringComparer.Ordinal);
    private string? _closedReason;

    public int PendingCount => _pending.Count;

    /// <summary>Registers <paramref name="id"/>, runs <paramref name="send"/>, then waits for the response.</summary>
    public async Task<BinaryNode> RequestAsync(string id, Func<CancellationToken, ValueTask> send, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource<BinaryNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(id, waiter))
        {
            throw new ArgumentException($"an iq with id {id} is already waiting", nameof(id));
        }
        try
        {
            if (_closedReason is { } reason) throw new ConnectionClosedException(reason);
            await send(cancellationToken).ConfigureAwait(false);
            return await waiter.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new IqTimeoutException(id, timeout);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Completes the waiting request for this node's id; false when nothing waits for it.</summary>
    public bool TryComplete(BinaryNode node) =>
        node.GetAttribute("id") is { } id && _pending.TryRemove(id, out var waiter) && waiter.TrySetResult(node);

    /// <summary>Fails every waiting request and any later one: the connection is gone.</summary>
    public void Close(string reason)
    {
        _closedReason = reason;
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var waiter)) waiter.TrySetException(new ConnectionClosedException(reason));
        }
    }
}

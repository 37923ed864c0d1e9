using WaCluster.Contracts.Proto;

namespace WaCluster.Actors.Metrics;

/// <summary>
/// One account actor's part in the node's metrics: its place in the accounts-by-state gauge, its mailbox in the
/// depth gauges and its label on the per-account counters. Disposed when the actor stops.
/// </summary>
public sealed class AccountInstruments : IDisposable
{
    private readonly NodeMetrics _metrics;
    private readonly string _accountId;
    private ConnectionState? _state;
    private bool _wasConnected;

    internal AccountInstruments(NodeMetrics metrics, string accountId, ConnectionState initial)
    {
        _metrics = metrics;
        _accountId = accountId;
        _state = initial;
        metrics.MoveState(null, initial);
    }

    /// <summary>The account's reported connection state changed; opening a connection counts as a connect.</summary>
    public void StateChanged(ConnectionState state)
    {
        if (_state is not { } current || current == state)
        {
            return;
        }
        _metrics.MoveState(current, state);
        _state = state;
        if (state == ConnectionState.Connected)
        {
            _metrics.Connected(again: _wasConnected);
            _wasConnected = true;
        }
    }

    public void MessagesIn(int count)
    {
        if (count > 0)
        {
            _metrics.MessagesIn(_accountId, count);
        }
    }

    public void MessageOut() => _metrics.MessageOut(_accountId);

    public void Dispose()
    {
        _metrics.MoveState(_state, null);
        _state = null;
        _metrics.Unregister(this);
    }
}

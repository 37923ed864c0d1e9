namespace WaCluster.Simulator;

/// <summary>What the simulator has seen, for tests and the admin route; updated from many connections at once.</summary>
public sealed class SimulatorCounters
{
    private long _connectionsOpen;
    private long _connectionsTotal;
    private long _logins;
    private long _conflicts;
    private long _stanzasIn;
    private long _stanzasOut;
    private long _protocolErrors;
    private long _pairings;

    public long ConnectionsOpen => Volatile.Read(ref _connectionsOpen);
    public long ConnectionsTotal => Volatile.Read(ref _connectionsTotal);
    public long Logins => Volatile.Read(ref _logins);
    public long Conflicts => Volatile.Read(ref _conflicts);
    public long StanzasIn => Volatile.Read(ref _stanzasIn);
    public long StanzasOut => Volatile.Read(ref _stanzasOut);

    /// <summary>Connections closed for garbage, bad handshakes, oversized frames, unknown stanzas.</summary>
    public long ProtocolErrors => Volatile.Read(ref _protocolErrors);

    public long Pairings => Volatile.Read(ref _pairings);

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _connectionsOpen);
        Interlocked.Increment(ref _connectionsTotal);
    }

    internal void ConnectionClosed() => Interlocked.Decrement(ref _connectionsOpen);
    internal void Login() => Interlocked.Increment(ref _logins);
    internal void Conflict() => Interlocked.Increment(ref _conflicts);
    internal void StanzaIn() => Interlocked.Increment(ref _stanzasIn);
    internal void StanzaOut() => Interlocked.Increment(ref _stanzasOut);
    internal void ProtocolError() => Interlocked.Increment(ref _protocolErrors);
    internal void Pairing() => Interlocked.Increment(ref _pairings);

    public object Snapshot() => new
    {
        connectionsOpen = ConnectionsOpen,
        connectionsTotal = ConnectionsTotal,
        logins = Logins,
        conflicts = Conflicts,
        stanzasIn = StanzasIn,
        stanzasOut = StanzasOut,
        protocolErrors = ProtocolErrors,
        pairings = Pairings,
    };
}

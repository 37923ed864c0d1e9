namespace WaCluster.Simulator.Accounts;

/// <summary>Faults a test injects into one device's traffic.</summary>
public sealed class DeviceFaults
{
    private volatile bool _withholdAcks;

    /// <summary>The server relays the device's messages and receipts but does not ack them.</summary>
    public bool WithholdAcks
    {
        get => _withholdAcks;
        set => _withholdAcks = value;
    }

    private long _outboundDelayTicks;

    /// <summary>Delay before each stanza the server writes to the device.</summary>
    public TimeSpan OutboundDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _outboundDelayTicks));
        set => Interlocked.Exchange(ref _outboundDelayTicks, value.Ticks);
    }

    private volatile bool _withholdOfflineMarker;

    /// <summary>After the offline backlog the server never sends the offline marker (clients must not wait for it forever).</summary>
    public bool WithholdOfflineMarker
    {
        get => _withholdOfflineMarker;
        set => _withholdOfflineMarker = value;
    }
}

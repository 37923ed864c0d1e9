namespace WaCluster.Actors.Connection;

/// <summary>
/// Reconnect-storm control for one node: a token bucket that hands each connecting account a start delay, so that
/// accounts recovering together (node restart, failover) reach the server at a bounded rate. A random jitter of up
/// to <see cref="Jitter"/> is added so that nodes recovering at the same moment do not connect in lock-step.
/// </summary>
public sealed class ConnectLimiter
{
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;
    private readonly long _burstTicks;
    private readonly Lock _gate = new();
    private long _nextFreeTicks;

    public ConnectLimiter(double ratePerSecond, int burst, TimeSpan jitter, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(jitter, TimeSpan.Zero);
        _time = time ?? TimeProvider.System;
        _intervalTicks = (long)(TimeSpan.TicksPerSecond / ratePerSecond);
        _burstTicks = (burst - 1) * _intervalTicks;
        Jitter = jitter;
        RatePerSecond = ratePerSecond;
        Burst = burst;
    }

    public double RatePerSecond { get; }

    public int Burst { get; }

    public TimeSpan Jitter { get; }

    /// <summary>Reserves the next connect slot and returns how long to wait before using it.</summary>
    public TimeSpan Reserve()
    {
        long delayTicks;
        lock (_gate)
        {
            var now = _time.GetUtcNow().UtcTicks;
            // Idle time refills at most a burst's worth of slots.
            var slot = Math.Max(_nextFreeTicks, now - _burstTicks);
            _nextFreeTicks = slot + _intervalTicks;
            delayTicks = Math.Max(0, slot - now);
        }
        var jitterTicks = Jitter == TimeSpan.Zero ? 0 : Random.Shared.NextInt64(Jitter.Ticks);
        return TimeSpan.FromTicks(delayTicks + jitterTicks);
    }
}

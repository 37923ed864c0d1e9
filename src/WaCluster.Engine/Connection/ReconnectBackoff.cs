namespace WaCluster.Engine.Connection;

/// <summary>
/// Delay before reconnect attempt <c>n</c> (0-based): <c>initial * 2^n</c> capped at <c>max</c>, then spread by
/// ± <c>jitter</c> of itself so thousands of accounts that lost the same server do not return in lockstep.
/// </summary>
public sealed record ReconnectBackoff(TimeSpan Initial, TimeSpan Max, double Jitter = 0.2)
{
    public static ReconnectBackoff Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    /// <param name="attempt">Attempts already made since the last successful login.</param>
    /// <param name="random01">A uniform sample in [0, 1); pass Random.Shared.NextDouble() outside tests.</param>
    public TimeSpan Delay(int attempt, double random01)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var exponent = Math.Min(attempt, 30); // keeps the product finite; the cap applies long before
        var baseTicks = Math.Min((double)Initial.Ticks * Math.Pow(2, exponent), Max.Ticks);
        var spread = baseTicks * Jitter * (2 * Math.Clamp(random01, 0, 1) - 1);
        return TimeSpan.FromTicks((long)Math.Clamp(baseTicks + spread, 0, Max.Ticks));
    }
}

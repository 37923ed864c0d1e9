namespace WaCluster.Signal.Sessions;

/// <summary>The bounds that keep a session record's size finite whatever peers send.</summary>
public static class SessionLimits
{
    /// <summary>libsignal refuses a message more than 2,000 keys ahead of its chain; so do we.</summary>
    public const int MaxFutureMessages = 2000;

    /// <summary>Skipped message keys kept per chain; the oldest go first beyond this.</summary>
    public const int MaxSkippedKeysPerChain = 2000;

    /// <summary>Receiving chains kept per session (the newest ones): older chains' late messages fail.</summary>
    public const int MaxReceivingChains = 5;

    /// <summary>Sessions one record keeps, open and archived together, as libsignal's CLOSED_SESSIONS_MAX.</summary>
    public const int MaxSessionsPerRecord = 40;
}

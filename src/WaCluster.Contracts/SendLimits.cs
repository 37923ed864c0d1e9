namespace WaCluster.Contracts;

/// <summary>Sizes every party to a send agrees on: the account checks them, callers and remoting are sized by them.</summary>
public static class SendLimits
{
    /// <summary>Largest media carried inside a command; a larger file goes by a path on the account's node.</summary>
    public const int MaxInlineMediaBytes = 16 * 1024 * 1024;

    /// <summary>Largest remoting frame: inline media plus room for the rest of the command (Akka's 128 kB default would drop it silently).</summary>
    public const int RemoteFrameBytes = MaxInlineMediaBytes + 1024 * 1024;
}

namespace WaCluster.Actors.Connection.Streams;

/// <summary>
/// Bounds of one connection's stream pipeline. They cap what an account holds in memory while its engine or its
/// socket is slow: at most <see cref="ReceiveBuffer"/> decoded nodes wait for the engine (then socket reads stop), and
/// at most <see cref="SendBuffer"/> nodes wait for the socket (then <c>SendAsync</c> waits).
/// </summary>
public sealed record StreamTransportSettings
{
    public static StreamTransportSettings Default { get; } = new();

    public int ReceiveBuffer { get; init; } = 8;

    public int SendBuffer { get; init; } = 8;

    /// <summary>Bytes of one WebSocket read; a larger message arrives in several chunks.</summary>
    public int SocketReadSize { get; init; } = 4096;

    /// <summary>How long closing waits for queued sends (a logout's last node) to reach the socket.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(2);
}

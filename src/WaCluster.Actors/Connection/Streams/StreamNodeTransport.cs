using System.Threading.Channels;
using Akka;
using Akka.Streams;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Noise;

namespace WaCluster.Actors.Connection.Streams;

/// <summary>
/// The engine's view of a running <see cref="NodePipeline"/>: receives read the inbound channel (a stream failure is
/// rethrown as its typed cause), sends wait while the outbound channel is full. Disposing drains queued sends for a
/// moment, then stops both streams and closes the socket.
/// </summary>
internal sealed class StreamNodeTransport : INodeTransport
{
    private readonly ChannelReader<BinaryNode> _received;
    private readonly Task<Done> _inboundEnded;
    private readonly ChannelWriter<BinaryNode> _outbound;
    private readonly Task _outboundEnded;
    private readonly SharedKillSwitch _kill;
    private readonly NoiseSession _session;
    private readonly WireEnds _wire;
    private readonly StreamTransportSettings _settings;
    private CancellationTokenRegistration _ownerRegistration;
    private int _disposed;

    public StreamNodeTransport(ChannelReader<BinaryNode> received, Task<Done> inboundEnded, ChannelWriter<BinaryNode> outbound,
        Task outboundEnded, SharedKillSwitch kill, NoiseSession session, WireEnds wire, StreamTransportSettings settings)
    {
        _received = received;
        _inboundEnded = inboundEnded;
        _outbound = outbound;
        _outboundEnded = outboundEnded;
        _kill = kill;
        _session = session;
        _wire = wire;
        _settings = settings;
        // A dead socket must not leave senders waiting on a full channel nobody drains.
        outboundEnded.ContinueWith(ended => outbound.TryComplete(ended.Exception?.GetBaseException()), TaskScheduler.Default);
        inboundEnded.ContinueWith(ended => kill.Abort(ended.Exception?.GetBaseException() ?? new IOException("the connection closed")),
            TaskScheduler.Default);
    }

    /// <summary>The owner's stop hook, released with this transport so reconnects do not pile up registrations.</summary>
    public void OnDisposed(CancellationTokenRegistration ownerRegistration) => _ownerRegistration = ownerRegistration;

    public async ValueTask SendAsync(BinaryNode node, CancellationToken cancellationToken = default)
    {
        if (_outbound.TryWrite(node)) return;
        try
        {
            await _outbound.WriteAsync(node, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new IOException("the connection is closed", ex.InnerException ?? ex);
        }
    }

    public async ValueTask<BinaryNode?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        // A failed stream completes the channel with its cause, which WaitToReadAsync rethrows unwrapped.
        while (await _received.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_received.TryRead(out var node)) return node;
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        // Unregister, not Dispose: this may run inside that very callback, and Dispose would wait for it.
        _ownerRegistration.Unregister();
        _outbound.TryComplete();
        await Quietly(_outboundEnded, _settings.DrainTimeout).ConfigureAwait(false);
        _kill.Shutdown();
        await _wire.CloseAsync().ConfigureAwait(false);
        // The stages use the ciphers until the streams have stopped.
        await Quietly(_inboundEnded, _settings.DrainTimeout).ConfigureAwait(false);
        await Quietly(_outboundEnded, _settings.DrainTimeout).ConfigureAwait(false);
        _session.Transport.Dispose();
    }

    private static async Task Quietly(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Failures reached the engine through the channels already; only the end matters here.
        }
    }
}

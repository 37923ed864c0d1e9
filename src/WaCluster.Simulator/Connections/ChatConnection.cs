using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using WaCluster.Protocol;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Framing;
using WaCluster.Protocol.Noise;
using WaCluster.Protocol.Proto;
using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.Pairing;
using WaCluster.Simulator.Stanzas;

namespace WaCluster.Simulator.Connections;

/// <summary>
/// One client WebSocket: intro and Noise handshake, then encrypted binary nodes both ways. Frames may be split or
/// coalesced across WebSocket messages; the frame decoder reassembles them. Outbound nodes go through a queue drained
/// by a single writer, because the Noise nonce order must equal the wire order.
/// </summary>
public sealed partial class ChatConnection
{
    // Small on purpose: the decoder buffer this reserves stays with every idle connection.
    private const int ReadChunk = 4 * 1024;

    private readonly WaSimulator _simulator;
    private readonly WebSocket _socket;
    private readonly ILogger _logger;
    private readonly FrameDecoder _decoder;
    private readonly FrameEncoder _encoder;
    private readonly Channel<Outbound> _outbound = Channel.CreateUnbounded<Outbound>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _readerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private NoiseTransport? _transport;

    internal ChatConnection(WaSimulator simulator, WebSocket socket, long number, ILogger logger)
    {
        _simulator = simulator;
        _socket = socket;
        _logger = logger;
        Number = number;
        _decoder = new FrameDecoder(expectIntro: true, simulator.Options.MaxFrameSize);
        _encoder = new FrameEncoder([], simulator.Options.MaxFrameSize);
    }

    /// <summary>Sequence number of the connection since the simulator started.</summary>
    public long Number { get; }

    /// <summary>The device once logged in (or once linked, for a pairing connection).</summary>
    public SimDevice? Device { get; internal set; }

    /// <summary>Registration state while this connection waits to be linked by a QR scan.</summary>
    internal PendingPairing? Pairing { get; set; }

    /// <summary>True once a logged-in client sent passive/active: from then on stanzas are pushed live.</summary>
    internal bool IsActive { get; set; }

    /// <summary>The push name from the login payload.</summary>
    internal string? PushName { get; set; }

    public bool IsClosing => _lifetime.IsCancellationRequested || _outboundClosed;

    private volatile bool _outboundClosed;
    private int _closeStarted;

    public TransportCounters Counters => _decoder.Counters;

    /// <summary>Queues a node for the client; ignored once the connection is closing.</summary>
    /// <exception cref="SimulatorException">The node is of no kind in <see cref="OutboundStanzas"/>.</exception>
    public void Send(BinaryNode node)
    {
        OutboundStanzas.Require(node);
        if (_outbound.Writer.TryWrite(new Outbound(node, CloseAfter: false))) _simulator.Counters.StanzaOut();
    }

    /// <summary>Sends <paramref name="node"/> (a stream error, typically) as the last stanza, then closes.</summary>
    /// <exception cref="SimulatorException">The node is of no kind in <see cref="OutboundStanzas"/>.</exception>
    public void SendAndClose(BinaryNode node)
    {
        OutboundStanzas.Require(node);
        if (_outbound.Writer.TryWrite(new Outbound(node, CloseAfter: true))) _simulator.Counters.StanzaOut();
        _outboundClosed = true;
        _outbound.Writer.TryComplete();
    }

    /// <summary>Cuts the connection without a goodbye, as a network drop would.</summary>
    public void Abort()
    {
        _outboundClosed = true;
        _outbound.Writer.TryComplete();
        _lifetime.Cancel();
        _socket.Abort();
    }

    internal async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _lifetime.Token);
        var token = linked.Token;
        Task? writer = null;
        try
        {
            ClientPayload payload;
            byte[] clientStatic;
            using (var responder = new NoiseResponder(_simulator.StaticKey, _simulator.CertificateChain))
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(token))
            {
                deadline.CancelAfter(_simulator.Options.HandshakeTimeout);
                var hello = await ReadFrameAsync(deadline.Token) ?? throw new SimulatorException("closed before ClientHello");
                var serverHello = responder.ReadClientHello(_decoder.Header, hello.Span);
                await _socket.SendAsync(_encoder.Encode(serverHello), WebSocketMessageType.Binary, true, deadline.Token);
                var finish = await ReadFrameAsync(deadline.Token) ?? throw new SimulatorException("closed before ClientFinish");
                responder.ReadClientFinish(finish.Span);
                _transport = responder.CreateTransport();
                clientStatic = responder.ClientStaticKey!;
                payload = ParsePayload(responder.ClientPayload!);
            }
            writer = Task.Run(() => WriteLoopAsync(token), CancellationToken.None);
            _simulator.OnClientPayload(this, payload, clientStatic);
            while (!token.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(token);
                idle.CancelAfter(_simulator.Options.IdleTimeout);
                var frame = await ReadFrameAsync(idle.Token);
                if (frame is not { } ciphertext) break;
                var node = BinaryDecoder.Decode(_transport.Decrypt(ciphertext.Span), _simulator.Options.MaxFrameSize);
                _simulator.Counters.StanzaIn();
                _simulator.Dispatch(this, node);
            }
        }
        catch (ProtocolException ex)
        {
            // Garbage, a forged ciphertext, an oversized frame or a bad handshake: a real server just hangs up.
            _simulator.Counters.ProtocolError();
            LogBadInput(_logger, Number, ex.Message);
        }
        catch (OperationCanceledException)
        {
            LogStopped(_logger, Number);
        }
        catch (WebSocketException ex)
        {
            LogTransportFailed(_logger, Number, ex.Message);
        }
        finally
        {
            _readerDone.TrySetResult();
            _simulator.OnDisconnected(this);
            _outboundClosed = true;
            _outbound.Writer.TryComplete();
            if (writer is not null) await writer;
            await CloseSocketAsync();
            _transport?.Dispose();
        }
    }

    private static ClientPayload ParsePayload(byte[] bytes)
    {
        try
        {
            return ClientPayload.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new SimulatorException("ClientPayload is not a valid protobuf");
        }
    }

    /// <summary>The next whole frame, valid until the next call; null when the client closed between frames.</summary>
    private async ValueTask<ReadOnlyMemory<byte>?> ReadFrameAsync(CancellationToken token)
    {
        while (true)
        {
            if (_decoder.TryReadFrame(out var frame)) return frame;
            var result = await _socket.ReceiveAsync(_decoder.GetWriteMemory(ReadChunk), token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                _decoder.Finish();
                return null;
            }
            if (result.MessageType != WebSocketMessageType.Binary) throw new SimulatorException("text WebSocket message on a binary stream");
            _decoder.Advance(result.Count);
        }
    }

    private async Task WriteLoopAsync(CancellationToken token)
    {
        var grace = TimeSpan.Zero;
        try
        {
            await foreach (var item in _outbound.Reader.ReadAllAsync(token))
            {
                if (Device?.Faults.OutboundDelay is { Ticks: > 0 } delay) await Task.Delay(delay, token);
                await WriteNodeAsync(item.Node, token);
                if (item.CloseAfter)
                {
                    // Clients act on a stream error only once it is processed; closing at once would race it.
                    grace = _simulator.Options.CloseGrace;
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            LogWriterStopped(_logger, Number, ex.Message);
        }
        finally
        {
            if (grace > TimeSpan.Zero)
            {
                // Let the client hang up first; if it does not within the grace period, close the stream ourselves.
                await Task.WhenAny(_readerDone.Task, Task.Delay(grace, CancellationToken.None));
                await CloseSocketAsync();
            }
            _lifetime.Cancel();
        }
    }

    private async Task WriteNodeAsync(BinaryNode node, CancellationToken token)
    {
        var plaintext = BinaryEncoder.Encode(node);
        var payloadLength = plaintext.Length + NoiseProtocol.TagLength;
        var frameLength = _encoder.FrameLength(payloadLength);
        var buffer = ArrayPool<byte>.Shared.Rent(frameLength);
        try
        {
            var offset = _encoder.WriteHeader(buffer, payloadLength);
            _transport!.Writer.Encrypt(plaintext, buffer.AsSpan(offset, payloadLength));
            await _socket.SendAsync(buffer.AsMemory(0, frameLength), WebSocketMessageType.Binary, true, token);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task CloseSocketAsync()
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) != 0) return;
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The peer is gone already; nothing left to tell it.
            _socket.Abort();
        }
    }

    public override string ToString() => $"connection {Number} ({Device?.ToString() ?? "not logged in"})";

    private readonly record struct Outbound(BinaryNode Node, bool CloseAfter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "connection {Number} closed on bad input: {Reason}")]
    private static partial void LogBadInput(ILogger logger, long number, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "connection {Number} timed out or was stopped")]
    private static partial void LogStopped(ILogger logger, long number);

    [LoggerMessage(Level = LogLevel.Debug, Message = "connection {Number} transport failed: {Reason}")]
    private static partial void LogTransportFailed(ILogger logger, long number, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "connection {Number} writer stopped: {Reason}")]
    private static partial void LogWriterStopped(ILogger logger, long number, string reason);
}

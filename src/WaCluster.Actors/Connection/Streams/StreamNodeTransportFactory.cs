using System.Net.WebSockets;
using Akka.Streams;
using Google.Protobuf;
using WaCluster.Engine;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Noise;
using WaCluster.Protocol.Proto;

namespace WaCluster.Actors.Connection.Streams;

/// <summary>
/// Opens the engine's connections as Akka.Streams pipelines: the WebSocket and the Noise handshake as usual, then the
/// established session is detached from the handshake's stream and the socket is read and written only by the
/// <see cref="NodePipeline"/> on <paramref name="materializer"/>. Every pipeline it opened is stopped when
/// <paramref name="ownerStopped"/> fires (the connection child's stop), whatever the engine is doing.
/// </summary>
public sealed class StreamNodeTransportFactory(
    IMaterializer materializer,
    EngineOptions options,
    KeyPair noiseKey,
    StreamTransportSettings settings,
    CancellationToken ownerStopped) : INodeTransportFactory
{
    private static readonly string WebOrigin = new Uri("https://web.whatsapp.com").GetLeftPart(UriPartial.Authority);

    // Without an invoker every ClientWebSocket builds its own handler and connection pool: one shared handler saves
    // that per account. Upgraded connections leave the pool, so sharing it changes nothing on the wire.
    private static readonly HttpMessageInvoker SharedInvoker = new(new SocketsHttpHandler());

    public async Task<INodeTransport> ConnectAsync(ClientPayload payload, byte[]? routingInfo, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, ownerStopped);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", WebOrigin);
        try
        {
            await socket.ConnectAsync(options.ServerUri, SharedInvoker, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new EngineConnectException($"could not open {options.ServerUri}: {ex.Message}", ex);
        }
        // The handshake runs on a stream view of the socket that must not close it: the pipeline takes the socket over.
        var handshakeStream = WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: false);
        var noiseOptions = new NoiseClientOptions(noiseKey, options.CertificateVerifier) { RoutingInfo = routingInfo };
        NoiseSession session;
        try
        {
            var connection = await NoiseHandshake.ConnectAsync(handshakeStream, noiseOptions, payload.ToByteArray(), timeout.Token).ConfigureAwait(false);
            session = connection.Detach();
        }
        catch
        {
            socket.Abort();
            socket.Dispose();
            throw;
        }
        var transport = NodePipeline.Run(WebSocketWire.Create(socket, settings.SocketReadSize), session, settings, materializer);
        if (ownerStopped.CanBeCanceled)
        {
            var registration = ownerStopped.Register(static state => _ = ((INodeTransport)state!).DisposeAsync().AsTask(), transport);
            transport.OnDisposed(registration);
        }
        return transport;
    }
}

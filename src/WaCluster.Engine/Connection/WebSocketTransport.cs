using System.Net.WebSockets;
using Google.Protobuf;
using WaCluster.Core;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Noise;
using WaCluster.Protocol.Proto;

namespace WaCluster.Engine.Connection;

/// <summary>The real transport: WebSocket, WA frames, Noise, binary node codec.</summary>
public sealed class WebSocketTransport(NoiseConnection noise) : INodeTransport
{
    public async ValueTask SendAsync(BinaryNode node, CancellationToken cancellationToken = default) =>
        await noise.SendAsync(BinaryEncoder.Encode(node), cancellationToken).ConfigureAwait(false);

    public async ValueTask<BinaryNode?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        byte[]? frame;
        try
        {
            frame = await noise.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NotSupportedException or ObjectDisposedException)
        {
            // The socket was closed under the read (our own stop, or the server hung up): the connection is over.
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
        return frame is null ? null : BinaryDecoder.Decode(frame);
    }

    public ValueTask DisposeAsync() => noise.DisposeAsync();
}

/// <summary>Connects to <see cref="EngineOptions.ServerUri"/> with the creds' noise key as the Noise static key.</summary>
public sealed class WebSocketTransportFactory(EngineOptions options, KeyPair noiseKey) : INodeTransportFactory
{
    private static readonly Uri WebOrigin = new("https://web.whatsapp.com");

    public async Task<INodeTransport> ConnectAsync(ClientPayload payload, byte[]? routingInfo, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", WebOrigin.GetLeftPart(UriPartial.Authority));
        try
        {
            await socket.ConnectAsync(options.ServerUri, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new EngineConnectException($"could not open {options.ServerUri}: {ex.Message}", ex);
        }
        var stream = WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: true);
        var noiseOptions = new NoiseClientOptions(noiseKey, options.CertificateVerifier) { RoutingInfo = routingInfo };
        var connection = await NoiseHandshake.ConnectAsync(stream, noiseOptions, payload.ToByteArray(), timeout.Token).ConfigureAwait(false);
        return new WebSocketTransport(connection);
    }
}

/// <summary>The server could not be reached or did not finish the handshake in time.</summary>
public sealed class EngineConnectException(string message, Exception? inner = null) : EngineException(message, inner);

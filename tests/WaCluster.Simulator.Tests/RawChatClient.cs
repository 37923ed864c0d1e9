using System.Net.WebSockets;
using Google.Protobuf;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Framing;
using WaCluster.Protocol.Noise;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Protocol.Proto;
using WaCluster.TestSupport.Companions;

namespace WaCluster.Simulator.Tests;

/// <summary>A minimal WhatsApp client over a raw WebSocket, built on our own Noise initiator, to send the server anything.</summary>
internal sealed class RawChatClient : INodeConnection, IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly FrameDecoder _decoder = new(expectIntro: false);
    private readonly FrameEncoder _encoder = new(FrameFormat.BuildIntro());
    private NoiseTransport? _transport;

    public WebSocket Socket => _socket;

    public static async Task<RawChatClient> OpenAsync(Uri uri)
    {
        var client = new RawChatClient();
        await client._socket.ConnectAsync(uri, CancellationToken.None);
        return client;
    }

    /// <summary>Completes the handshake with a registration payload; the server then offers pair-device refs.</summary>
    public Task HandshakeAsync(byte[] rootKey) =>
        HandshakeAsync(rootKey, Curve25519.GenerateKeyPair(), CompanionRegistration.RegistrationPayload(Curve25519.GenerateKeyPair()));

    public async Task HandshakeAsync(byte[] rootKey, KeyPair noiseKey, ClientPayload payload)
    {
        using var initiator = new NoiseInitiator(noiseKey, new CertificateChainVerifier(rootKey));
        await SendFrameAsync(initiator.CreateClientHello());
        var serverHello = await ReceiveFrameAsync() ?? throw new InvalidOperationException("closed during handshake");
        await SendFrameAsync(initiator.ReadServerHello(serverHello, payload.ToByteArray()));
        _transport = initiator.CreateTransport();
    }

    public Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken = default) =>
        _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, cancellationToken);

    public Task SendFrameAsync(byte[] payload, CancellationToken cancellationToken = default) => SendRawAsync(_encoder.Encode(payload), cancellationToken);

    public Task SendNodeAsync(BinaryNode node, CancellationToken cancellationToken = default) =>
        SendFrameAsync(_transport!.Encrypt(BinaryEncoder.Encode(node)), cancellationToken);

    /// <summary>The next node, or null once the server closed the stream.</summary>
    public async Task<BinaryNode?> ReceiveNodeAsync(CancellationToken cancellationToken = default) =>
        await ReceiveFrameAsync(cancellationToken) is { } frame ? BinaryDecoder.Decode(_transport!.Decrypt(frame)) : null;

    /// <summary>Reads nodes until one matches; null when the stream closes first.</summary>
    public async Task<BinaryNode?> ReceiveUntilAsync(Func<BinaryNode, bool> match)
    {
        while (await ReceiveNodeAsync() is { } node)
        {
            if (match(node)) return node;
        }
        return null;
    }

    private async Task<byte[]?> ReceiveFrameAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (_decoder.TryReadFrame(out var frame)) return frame.ToArray();
            ValueWebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(_decoder.GetWriteMemory(4096), timeout.Token);
            }
            catch (WebSocketException)
            {
                return null; // the server aborted the connection: closed as well
            }
            if (result.MessageType == WebSocketMessageType.Close) return null;
            _decoder.Advance(result.Count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _transport?.Dispose();
        await Task.CompletedTask;
    }
}

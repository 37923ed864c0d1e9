using System.Net.WebSockets;
using Google.Protobuf;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Framing;
using WaCluster.Protocol.Noise;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Protocol.Proto;
using WaCluster.TestSupport.Companions;

namespace WaCluster.Benchmarks;

/// <summary>
/// One client connection to the simulator with our own protocol code: WebSocket, WA intro, Noise XX with a
/// ClientPayload, then encrypted binary nodes. Only one reader and one writer at a time (the Noise nonces count).
/// </summary>
internal sealed class SimulatorSocket : INodeConnection, IAsyncDisposable
{
    private const int ReadChunk = 4096;

    private readonly ClientWebSocket _socket;
    private readonly FrameDecoder _decoder = new(expectIntro: false);
    private readonly FrameEncoder _encoder = new(FrameFormat.BuildIntro());
    private NoiseTransport? _transport;

    private SimulatorSocket(ClientWebSocket socket) => _socket = socket;

    /// <summary>Connects and completes the handshake; <paramref name="invoker"/> picks the source address when given.</summary>
    public static async Task<SimulatorSocket> ConnectAsync(Uri chatUri, CertificateChainVerifier verifier, KeyPair noiseKey,
        ClientPayload payload, HttpMessageInvoker? invoker, CancellationToken token)
    {
        var socket = new ClientWebSocket();
        // Idle connections are the point of the run: keep the client's own buffers small too.
        socket.Options.SetBuffer(ReadChunk, ReadChunk);
        var connection = new SimulatorSocket(socket);
        try
        {
            await socket.ConnectAsync(chatUri, invoker, token);
            using var initiator = new NoiseInitiator(noiseKey, verifier);
            await connection.SendFrameAsync(initiator.CreateClientHello(), token);
            var serverHello = await connection.ReceiveFrameAsync(token) ?? throw new InvalidOperationException("closed during the handshake");
            await connection.SendFrameAsync(initiator.ReadServerHello(serverHello, payload.ToByteArray()), token);
            connection._transport = initiator.CreateTransport();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public Task SendNodeAsync(BinaryNode node, CancellationToken token) =>
        SendFrameAsync(_transport!.Encrypt(BinaryEncoder.Encode(node)), token);

    /// <summary>The next node, or null once the server closed the stream.</summary>
    public async Task<BinaryNode?> ReceiveNodeAsync(CancellationToken token) =>
        await ReceiveFrameAsync(token) is { } frame ? BinaryDecoder.Decode(_transport!.Decrypt(frame)) : null;

    /// <summary>Reads nodes until one matches; null when the stream closes first.</summary>
    public async Task<BinaryNode?> ReceiveUntilAsync(Func<BinaryNode, bool> match, CancellationToken token)
    {
        while (await ReceiveNodeAsync(token) is { } node)
        {
            if (match(node)) return node;
        }
        return null;
    }

    private Task SendFrameAsync(byte[] payload, CancellationToken token) =>
        _socket.SendAsync(_encoder.Encode(payload), WebSocketMessageType.Binary, true, token);

    private async Task<byte[]?> ReceiveFrameAsync(CancellationToken token)
    {
        while (true)
        {
            if (_decoder.TryReadFrame(out var frame)) return frame.ToArray();
            var result = await _socket.ReceiveAsync(_decoder.GetWriteMemory(ReadChunk), token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            _decoder.Advance(result.Count);
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _transport?.Dispose();
        return ValueTask.CompletedTask;
    }
}

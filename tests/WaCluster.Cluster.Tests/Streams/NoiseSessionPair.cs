using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Framing;
using WaCluster.Protocol.Noise;
using WaCluster.Protocol.Noise.Certificates;

namespace WaCluster.Cluster.Tests.Streams;

/// <summary>
/// Both ends of a real Noise XX handshake (our initiator and responder over loopback TCP), detached from the socket:
/// the client session feeds the pipeline under test, the server session writes and reads the wire bytes it sees.
/// </summary>
internal sealed class NoiseSessionPair
{
    private NoiseSessionPair(NoiseSession client, NoiseSession server)
    {
        Client = client;
        Server = server;
    }

    public NoiseSession Client { get; }

    public NoiseSession Server { get; }

    public static async Task<NoiseSessionPair> CreateAsync(int clientMaxFrameSize = FrameFormat.DefaultMaxFrameSize)
    {
        var root = Curve25519.GenerateKeyPair();
        var serverKey = Curve25519.GenerateKeyPair();
        var chain = new CertificateChainBuilder { Root = root, LeafKey = serverKey.PublicKey }.BuildBytes();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var accepting = Task.Run(async () =>
            {
                var socket = await listener.AcceptTcpClientAsync(timeout.Token);
                return (socket, await NoiseHandshake.AcceptAsync(socket.GetStream(), new NoiseServerOptions(serverKey, chain), timeout.Token));
            });
            var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, timeout.Token);
            var clientOptions = new NoiseClientOptions(Curve25519.GenerateKeyPair(), new CertificateChainVerifier(root.PublicKey))
            {
                MaxFrameSize = clientMaxFrameSize,
            };
            var clientConnection = await NoiseHandshake.ConnectAsync(client.GetStream(), clientOptions, RandomNumberGenerator.GetBytes(40), timeout.Token);
            var (serverSocket, serverConnection) = await accepting;
            var pair = new NoiseSessionPair(clientConnection.Detach(), serverConnection.Detach());
            client.Dispose();
            serverSocket.Dispose();
            return pair;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>A node as the server puts it on the wire: encoded, encrypted, framed.</summary>
    public byte[] ServerFrame(BinaryNode node) => ServerFrameOf(BinaryEncoder.Encode(node));

    /// <summary>Arbitrary plaintext, correctly encrypted and framed.</summary>
    public byte[] ServerFrameOf(ReadOnlySpan<byte> plaintext)
    {
        var payloadLength = plaintext.Length + NoiseProtocol.TagLength;
        var frame = new byte[Server.Encoder.FrameLength(payloadLength)];
        var offset = Server.Encoder.WriteHeader(frame, payloadLength);
        Server.Transport.Writer.Encrypt(plaintext, frame.AsSpan(offset, payloadLength));
        return frame;
    }

    /// <summary>The nodes in the client's wire bytes, as the server decrypts them in order.</summary>
    public List<BinaryNode> ReadClientNodes(IEnumerable<byte[]> wireChunks)
    {
        var nodes = new List<BinaryNode>();
        foreach (var chunk in wireChunks)
        {
            Server.Decoder.Feed(chunk);
            while (Server.Decoder.TryReadFrame(out var frame))
            {
                nodes.Add(BinaryDecoder.Decode(Server.Transport.Reader.Decrypt(frame.Span)));
            }
        }
        return nodes;
    }
}

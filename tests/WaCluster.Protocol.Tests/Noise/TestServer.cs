using System.Net;
using System.Net.Sockets;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Noise;
using WaCluster.Protocol.Noise.Certificates;

namespace WaCluster.Protocol.Tests.Noise;

/// <summary>A server identity for tests: its own root, a static key and the chain certifying it.</summary>
internal sealed record TestServerIdentity(KeyPair Root, KeyPair Static, byte[] Chain)
{
    public static TestServerIdentity Create(Func<CertificateChainBuilder, CertificateChainBuilder>? adjust = null)
    {
        var root = Curve25519.GenerateKeyPair();
        var serverStatic = Curve25519.GenerateKeyPair();
        var builder = new CertificateChainBuilder { Root = root, LeafKey = serverStatic.PublicKey };
        return new TestServerIdentity(root, serverStatic, (adjust?.Invoke(builder) ?? builder).BuildBytes());
    }

    public NoiseServerOptions ServerOptions => new(Static, Chain);

    public CertificateChainVerifier Verifier => new(Root.PublicKey);
}

/// <summary>A loopback TCP listener accepting exactly one connection.</summary>
internal sealed class LoopbackListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public LoopbackListener() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async Task<NetworkStream> AcceptAsync(CancellationToken cancellationToken)
    {
        var client = await _listener.AcceptTcpClientAsync(cancellationToken);
        client.NoDelay = true;
        return client.GetStream();
    }

    public async Task<NetworkStream> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
        return client.GetStream();
    }

    public void Dispose() => _listener.Stop();
}

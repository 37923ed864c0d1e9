using Google.Protobuf;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Framing;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Protocol.Proto;

namespace WaCluster.Protocol.Noise;

/// <summary>
/// The client side of WhatsApp's Noise XX handshake: ClientHello (ephemeral), then ServerHello (server ephemeral,
/// encrypted static, encrypted certificate chain) answered by ClientFinish (encrypted static noise key, encrypted
/// ClientPayload), then the transport. Each method is one step and must be called in order.
/// </summary>
public sealed class NoiseInitiator : IDisposable
{
    private readonly KeyPair _staticKey;
    private readonly KeyPair _ephemeralKey;
    private readonly CertificateChainVerifier _verifier;
    private readonly SymmetricState _state = new();
    private Step _step = Step.Hello;

    /// <param name="staticKey">The client's long-term noise key.</param>
    /// <param name="verifier">Trust anchor for the server's certificate chain.</param>
    /// <param name="header">The 4-byte connection header sent in the intro; it is the Noise prologue.</param>
    public NoiseInitiator(KeyPair staticKey, CertificateChainVerifier verifier, ReadOnlySpan<byte> header = default, KeyPair? ephemeralKey = null)
    {
        _staticKey = staticKey;
        _verifier = verifier;
        _ephemeralKey = ephemeralKey ?? Curve25519.GenerateKeyPair();
        _state.MixHash(header.IsEmpty ? FrameFormat.WaHeader : header);
    }

    /// <summary>The server's static key, known once ServerHello is verified.</summary>
    public byte[]? ServerStaticKey { get; private set; }

    /// <summary>The verified certificate chain of the server.</summary>
    public CertChain? ServerCertificates { get; private set; }

    public byte[] CreateClientHello()
    {
        Expect(Step.Hello);
        _state.MixHash(_ephemeralKey.PublicKey);
        _step = Step.ServerHello;
        return new HandshakeMessage
        {
            ClientHello = new HandshakeMessage.Types.ClientHello { Ephemeral = ByteString.CopyFrom(_ephemeralKey.PublicKey) },
        }.ToByteArray();
    }

    /// <summary>Processes ServerHello and returns the ClientFinish message carrying <paramref name="clientPayload"/> (a serialized ClientPayload).</summary>
    public byte[] ReadServerHello(ReadOnlySpan<byte> message, ReadOnlySpan<byte> clientPayload)
    {
        Expect(Step.ServerHello);
        _step = Step.Failed;
        var handshake = HandshakeMessages.Parse(message);
        if (handshake.ServerHello is not { } hello)
        {
            throw new NoiseException(NoiseError.UnexpectedMessage, "expected ServerHello");
        }
        var serverEphemeral = HandshakeMessages.RequireKey(hello.HasEphemeral, hello.Ephemeral, "server ephemeral key");
        var encryptedStatic = HandshakeMessages.Require(hello.HasStatic, hello.Static, "server static key");
        var encryptedCertificates = HandshakeMessages.Require(hello.HasPayload, hello.Payload, "server certificate payload");

        _state.MixHash(serverEphemeral);
        _state.MixDiffieHellman(serverEphemeral, _ephemeralKey.PrivateKey);
        var serverStatic = _state.DecryptAndHash(encryptedStatic, "server static key");
        _state.MixDiffieHellman(serverStatic, _ephemeralKey.PrivateKey);
        var certificates = _state.DecryptAndHash(encryptedCertificates, "server certificate payload");
        ServerCertificates = _verifier.Verify(certificates, serverStatic);
        ServerStaticKey = serverStatic;

        var encryptedOwnStatic = _state.EncryptAndHash(_staticKey.PublicKey);
        _state.MixDiffieHellman(serverEphemeral, _staticKey.PrivateKey);
        var encryptedPayload = _state.EncryptAndHash(clientPayload);
        _step = Step.Finished;
        return new HandshakeMessage
        {
            ClientFinish = new HandshakeMessage.Types.ClientFinish
            {
                Static = ByteString.CopyFrom(encryptedOwnStatic),
                Payload = ByteString.CopyFrom(encryptedPayload),
            },
        }.ToByteArray();
    }

    /// <summary>The transport, once ClientFinish has been produced: write with the first split key, read with the second.</summary>
    public NoiseTransport CreateTransport()
    {
        Expect(Step.Finished);
        var (write, read) = _state.Split();
        _step = Step.Done;
        return new NoiseTransport(write, read);
    }

    private void Expect(Step step)
    {
        if (_step != step)
        {
            throw new InvalidOperationException($"handshake is at step {_step}, not {step}");
        }
    }

    public void Dispose() => _state.Dispose();

    private enum Step { Hello, ServerHello, Finished, Done, Failed }
}

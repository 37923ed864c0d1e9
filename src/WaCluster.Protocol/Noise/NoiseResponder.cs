using Google.Protobuf;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Framing;
using WaCluster.Protocol.Proto;

namespace WaCluster.Protocol.Noise;

/// <summary>
/// The server side of WhatsApp's Noise XX handshake (used by the server simulator): reads ClientHello, answers
/// ServerHello (ephemeral, encrypted static, encrypted certificate chain), reads ClientFinish to learn the client's
/// static noise key and its ClientPayload, then the transport. Each method is one step and must be called in order.
/// </summary>
public sealed class NoiseResponder : IDisposable
{
    private readonly KeyPair _staticKey;
    private readonly KeyPair _ephemeralKey;
    private readonly byte[] _certificateChain;
    private readonly SymmetricState _state = new();
    private Step _step = Step.Hello;

    /// <param name="staticKey">The server's static key, certified by the leaf of <paramref name="certificateChain"/>.</param>
    /// <param name="certificateChain">A serialized CertChain.</param>
    public NoiseResponder(KeyPair staticKey, ReadOnlySpan<byte> certificateChain, KeyPair? ephemeralKey = null)
    {
        _staticKey = staticKey;
        _certificateChain = certificateChain.ToArray();
        _ephemeralKey = ephemeralKey ?? Curve25519.GenerateKeyPair();
    }

    /// <summary>The client's static noise public key (32 bytes), known after ClientFinish.</summary>
    public byte[]? ClientStaticKey { get; private set; }

    /// <summary>The decrypted ClientPayload bytes, known after ClientFinish.</summary>
    public byte[]? ClientPayload { get; private set; }

    /// <summary>Processes ClientHello and returns the ServerHello message.</summary>
    /// <param name="header">The 4 header bytes the client sent in its intro (the Noise prologue).</param>
    public byte[] ReadClientHello(ReadOnlySpan<byte> header, ReadOnlySpan<byte> message)
    {
        Expect(Step.Hello);
        _step = Step.Failed;
        var handshake = HandshakeMessages.Parse(message);
        if (handshake.ClientHello is not { } hello)
        {
            throw new NoiseException(NoiseError.UnexpectedMessage, "expected ClientHello");
        }
        // A static key or payload here would be the IK resumption pattern, which this responder does not offer.
        if (hello.HasStatic || hello.HasPayload || hello.HasExtendedCiphertext)
        {
            throw new NoiseException(NoiseError.UnexpectedMessage, "ClientHello carries a static key or payload: only the XX pattern is supported");
        }
        var clientEphemeral = HandshakeMessages.RequireKey(hello.HasEphemeral, hello.Ephemeral, "client ephemeral key");

        _state.MixHash(header.IsEmpty ? FrameFormat.WaHeader : header);
        _state.MixHash(clientEphemeral);
        _state.MixHash(_ephemeralKey.PublicKey);
        _state.MixDiffieHellman(clientEphemeral, _ephemeralKey.PrivateKey);
        var encryptedStatic = _state.EncryptAndHash(_staticKey.PublicKey);
        _state.MixDiffieHellman(clientEphemeral, _staticKey.PrivateKey);
        var encryptedCertificates = _state.EncryptAndHash(_certificateChain);
        _step = Step.ClientFinish;
        return new HandshakeMessage
        {
            ServerHello = new HandshakeMessage.Types.ServerHello
            {
                Ephemeral = ByteString.CopyFrom(_ephemeralKey.PublicKey),
                Static = ByteString.CopyFrom(encryptedStatic),
                Payload = ByteString.CopyFrom(encryptedCertificates),
            },
        }.ToByteArray();
    }

    /// <summary>Processes ClientFinish: decrypts the client's static key and ClientPayload.</summary>
    public void ReadClientFinish(ReadOnlySpan<byte> message)
    {
        Expect(Step.ClientFinish);
        _step = Step.Failed;
        var handshake = HandshakeMessages.Parse(message);
        if (handshake.ClientFinish is not { } finish)
        {
            throw new NoiseException(NoiseError.UnexpectedMessage, "expected ClientFinish");
        }
        var encryptedStatic = HandshakeMessages.Require(finish.HasStatic, finish.Static, "client static key");
        var encryptedPayload = HandshakeMessages.Require(finish.HasPayload, finish.Payload, "client payload");

        var clientStatic = _state.DecryptAndHash(encryptedStatic, "client static key");
        _state.MixDiffieHellman(clientStatic, _ephemeralKey.PrivateKey);
        ClientPayload = _state.DecryptAndHash(encryptedPayload, "client payload");
        ClientStaticKey = clientStatic;
        _step = Step.Finished;
    }

    /// <summary>The transport, once ClientFinish is processed: the responder reads with the first split key, writes with the second.</summary>
    public NoiseTransport CreateTransport()
    {
        Expect(Step.Finished);
        var (clientWrite, clientRead) = _state.Split();
        _step = Step.Done;
        return new NoiseTransport(writeKey: clientRead, readKey: clientWrite);
    }

    private void Expect(Step step)
    {
        if (_step != step)
        {
            throw new InvalidOperationException($"handshake is at step {_step}, not {step}");
        }
    }

    public void Dispose() => _state.Dispose();

    private enum Step { Hello, ClientFinish, Finished, Done, Failed }
}

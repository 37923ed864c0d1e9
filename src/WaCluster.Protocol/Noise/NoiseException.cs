namespace WaCluster.Protocol.Noise;

/// <summary>Why a Noise handshake or transport failed.</summary>
public enum NoiseError
{
    /// <summary>A handshake message is not valid protobuf or misses a required field.</summary>
    MalformedMessage,

    /// <summary>A handshake message of the wrong kind for this step, or a call out of order.</summary>
    UnexpectedMessage,

    /// <summary>A ciphertext failed authentication (tampered, wrong key, or out of order).</summary>
    DecryptFailed,

    /// <summary>A key has the wrong size or is a low-order point.</summary>
    InvalidKey,

    /// <summary>The server's certificate chain does not verify against the trusted root or its static key.</summary>
    InvalidCertificate,

    /// <summary>The connection ended before the handshake completed.</summary>
    TruncatedHandshake,

    /// <summary>The 32-bit nonce counter of a transport direction is used up; the connection must be replaced.</summary>
    NonceExhausted,
}

/// <summary>A failure of the Noise handshake or of an encrypted frame; the connection cannot continue.</summary>
public sealed class NoiseException(NoiseError error, string message, Exception? inner = null) : ProtocolException(message, inner)
{
    public NoiseError Error { get; } = error;
}

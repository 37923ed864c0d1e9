namespace WaCluster.Protocol.Media;

/// <summary>Why a media blob or key was rejected.</summary>
public enum MediaFailure
{
    /// <summary>The media key is not 32 bytes.</summary>
    BadKeyLength,

    /// <summary>The blob is shorter than one cipher block and the MAC, or its ciphertext is not whole blocks.</summary>
    Truncated,

    /// <summary>The 10-byte MAC at the end does not match the ciphertext.</summary>
    MacMismatch,

    /// <summary>The SHA-256 of the blob differs from the expected fileEncSha256.</summary>
    FileEncSha256Mismatch,

    /// <summary>The SHA-256 of the plaintext differs from the expected fileSha256.</summary>
    FileSha256Mismatch,

    /// <summary>The last block does not end in valid PKCS#7 padding.</summary>
    BadPadding,
}

/// <summary>A media blob that failed verification or decryption; anything already decrypted from it must be discarded.</summary>
public sealed class MediaException(MediaFailure failure, string message, Exception? inner = null) : ProtocolException(message, inner)
{
    public MediaFailure Failure { get; } = failure;
}

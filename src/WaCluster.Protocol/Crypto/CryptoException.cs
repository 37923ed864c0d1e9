namespace WaCluster.Protocol.Crypto;

/// <summary>A key, signature or ciphertext that failed a cryptographic check or has the wrong shape.</summary>
public sealed class CryptoException(string message, Exception? inner = null) : ProtocolException(message, inner);

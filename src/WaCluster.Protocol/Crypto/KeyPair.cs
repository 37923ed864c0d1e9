namespace WaCluster.Protocol.Crypto;

/// <summary>A Curve25519 key pair; <see cref="PublicKey"/> is the raw 32-byte Montgomery u-coordinate.</summary>
public sealed record KeyPair(byte[] PublicKey, byte[] PrivateKey)
{
    /// <summary>The public key as libsignal puts it on the wire: the 0x05 type byte, then the 32 key bytes.</summary>
    public byte[] PrefixedPublicKey => Curve25519.Prefixed(PublicKey);

    // Records print their members; private keys must never reach a log.
    public override string ToString() => $"KeyPair(public {Convert.ToHexString(PublicKey)})";
}

using WaCluster.Protocol.Crypto;

namespace WaCluster.Signal.Groups;

/// <summary>
/// The sender key chain: each chain seed yields one message key seed (HMAC with 0x01) and the next chain seed (HMAC
/// with 0x02); a message key seed expands by HKDF ("WhisperGroup", zero salt) into the AES-CBC IV and key.
/// </summary>
internal static class SenderChain
{
    public const int IvLength = 16;
    public const int CipherKeyLength = 32;
    public const int CipherMaterialLength = IvLength + CipherKeyLength;

    private static ReadOnlySpan<byte> MessageKeyLabel => [0x01];

    private static ReadOnlySpan<byte> ChainKeyLabel => [0x02];

    private static ReadOnlySpan<byte> CipherMaterialInfo => "WhisperGroup"u8;

    /// <summary>One chain step: the message key seed and the next chain seed, sharing the chain seed's HMAC pads.</summary>
    /// <remarks>Neither output may overlap <paramref name="chainSeed"/>.</remarks>
    public static void Step(ReadOnlySpan<byte> chainSeed, Span<byte> messageSeed, Span<byte> nextChainSeed)
    {
        var key = HmacSha256Key.Create(chainSeed);
        key.Compute(MessageKeyLabel, messageSeed);
        key.Compute(ChainKeyLabel, nextChainSeed);
    }

    /// <summary>Fills <paramref name="ivAndKey"/> with the 16-byte IV followed by the 32-byte AES key.</summary>
    /// <remarks>The zero salt is passed as empty, which HMAC treats identically and which hits the cached pads.</remarks>
    public static void CipherMaterial(ReadOnlySpan<byte> messageSeed, Span<byte> ivAndKey) =>
        HkdfSha256.DeriveKey(messageSeed, ivAndKey[..CipherMaterialLength], [], CipherMaterialInfo);
}

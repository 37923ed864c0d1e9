using System.Security.Cryptography;

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

    private static readonly byte[] ZeroSalt = new byte[32];

    public static void MessageSeed(ReadOnlySpan<byte> chainSeed, Span<byte> messageSeed) =>
        HMACSHA256.HashData(chainSeed, MessageKeyLabel, messageSeed);

    /// <remarks><paramref name="nextChainSeed"/> must not overlap <paramref name="chainSeed"/>.</remarks>
    public static void NextChainSeed(ReadOnlySpan<byte> chainSeed, Span<byte> nextChainSeed) =>
        HMACSHA256.HashData(chainSeed, ChainKeyLabel, nextChainSeed);

    /// <summary>Fills <paramref name="ivAndKey"/> with the 16-byte IV followed by the 32-byte AES key.</summary>
    public static void CipherMaterial(ReadOnlySpan<byte> messageSeed, Span<byte> ivAndKey) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, messageSeed, ivAndKey[..CipherMaterialLength], ZeroSalt, CipherMaterialInfo);
}

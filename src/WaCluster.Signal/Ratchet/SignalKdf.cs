using WaCluster.Protocol.Crypto;

namespace WaCluster.Signal.Ratchet;

/// <summary>
/// The key derivations of libsignal's v3 protocol: HKDF-SHA256 with its info strings and HMAC chain steps.
/// libsignal salts with 32 zero bytes where no salt exists; HMAC treats that exactly like the empty salt passed here,
/// which lets <see cref="HkdfSha256"/> use its cached pads.
/// </summary>
internal static class SignalKdf
{
    public const int KeyLength = 32;

    private static ReadOnlySpan<byte> InitialInfo => "WhisperText"u8;

    private static ReadOnlySpan<byte> RatchetInfo => "WhisperRatchet"u8;

    private static ReadOnlySpan<byte> MessageKeysInfo => "WhisperMessageKeys"u8;

    // A chain key yields the message key with constant 0x01 and its successor with 0x02.
    private static ReadOnlySpan<byte> MessageKeySeedConstant => [0x01];

    private static ReadOnlySpan<byte> ChainKeyConstant => [0x02];

    /// <summary>The first root key from the X3DH secret (0xFF*32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4]).</summary>
    public static byte[] InitialRootKey(ReadOnlySpan<byte> agreementSecret)
    {
        // libsignal derives 64 bytes but only uses the first half; HKDF output prefixes are stable.
        var root = new byte[KeyLength];
        HkdfSha256.DeriveKey(agreementSecret, root, [], InitialInfo);
        return root;
    }

    /// <summary>One DH ratchet step: the next root key and the new chain key.</summary>
    public static (byte[] RootKey, byte[] ChainKey) RatchetStep(ReadOnlySpan<byte> rootKey, ReadOnlySpan<byte> sharedSecret)
    {
        Span<byte> output = stackalloc byte[KeyLength * 2];
        HkdfSha256.DeriveKey(sharedSecret, output, rootKey, RatchetInfo);
        var result = (output[..KeyLength].ToArray(), output[KeyLength..].ToArray());
        output.Clear();
        return result;
    }

    /// <summary>One symmetric chain step: the message key seed of this chain key, and the next chain key.</summary>
    public static byte[] ChainStep(ReadOnlySpan<byte> chainKey, Span<byte> seed)
    {
        // Both outputs share the chain key's pads: the pad blocks are a third of the hashing of these tiny inputs.
        var key = HmacSha256Key.Create(chainKey);
        key.Compute(MessageKeySeedConstant, seed);
        var next = new byte[KeyLength];
        key.Compute(ChainKeyConstant, next);
        return next;
    }

    /// <summary>Expands a message key seed into cipher key (32), MAC key (32) and IV (16), in that order.</summary>
    public static void MessageKeys(ReadOnlySpan<byte> seed, Span<byte> keys) =>
        HkdfSha256.DeriveKey(seed, keys[..MessageKeyMaterial.Length], [], MessageKeysInfo);
}

/// <summary>Layout of the 80 bytes one message key seed expands to.</summary>
internal static class MessageKeyMaterial
{
    public const int Length = 80;

    public static ReadOnlySpan<byte> CipherKey(ReadOnlySpan<byte> material) => material[..32];

    public static ReadOnlySpan<byte> MacKey(ReadOnlySpan<byte> material) => material[32..64];

    public static ReadOnlySpan<byte> Iv(ReadOnlySpan<byte> material) => material[64..80];
}

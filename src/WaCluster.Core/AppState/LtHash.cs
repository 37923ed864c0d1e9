using System.Buffers.Binary;
using WaCluster.Protocol.Crypto;

namespace WaCluster.Core.AppState;

/// <summary>
/// WhatsApp's "WAPatchIntegrity" LTHash: each value MAC expands (HKDF-SHA256, no salt, info "WhatsApp Patch
/// Integrity") to 128 bytes read as 64 little-endian 16-bit words, which are added to or subtracted from the hash
/// word by word modulo 2^16, so the hash of a set does not depend on the order its members came in.
/// </summary>
public static class LtHash
{
    public const int Length = 128;

    private static readonly byte[] s_info = "WhatsApp Patch Integrity"u8.ToArray();

    public static byte[] Empty() => new byte[Length];

    /// <summary>A new hash: <paramref name="hash"/> minus every item of <paramref name="subtract"/>, plus every item of <paramref name="add"/>.</summary>
    public static byte[] SubtractThenAdd(ReadOnlySpan<byte> hash, IEnumerable<byte[]> subtract, IEnumerable<byte[]> add)
    {
        if (hash.Length != Length)
        {
            throw new AppStateException(AppStateError.Truncated, $"an LTHash is {Length} bytes, not {hash.Length}");
        }
        var result = hash.ToArray();
        foreach (var item in subtract)
        {
            Mix(result, item, -1);
        }
        foreach (var item in add)
        {
            Mix(result, item, 1);
        }
        return result;
    }

    private static void Mix(Span<byte> hash, ReadOnlySpan<byte> item, int sign)
    {
        Span<byte> expanded = stackalloc byte[Length];
        HkdfSha256.DeriveKey(item, expanded, [], s_info);
        for (var offset = 0; offset < Length; offset += sizeof(ushort))
        {
            var word = BinaryPrimitives.ReadUInt16LittleEndian(hash[offset..]);
            var delta = BinaryPrimitives.ReadUInt16LittleEndian(expanded[offset..]);
            BinaryPrimitives.WriteUInt16LittleEndian(hash[offset..], (ushort)(word + sign * delta));
        }
    }
}

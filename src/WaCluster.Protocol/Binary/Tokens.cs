using System.Runtime.CompilerServices;

namespace WaCluster.Protocol.Binary;

/// <summary>
/// Two-way lookup over <see cref="TokenTables"/>: string to wire token for the encoder, token to the shared string
/// instance for the decoder. The encoder side is an open-addressing table hashed on a few characters, probed with a
/// reference check first: tags and keys are usually literals, which are the very instances stored here.
/// </summary>
internal static class Tokens
{
    private const int SlotBits = 12;
    private const int SlotMask = (1 << SlotBits) - 1;

    private static readonly string?[] SlotStrings = new string?[1 << SlotBits];

    /// <summary>Encoded token per slot: low byte = index, high byte = 0 for single-byte or 1 + dictionary.</summary>
    private static readonly ushort[] SlotTokens = new ushort[1 << SlotBits];

    static Tokens()
    {
        // Index 0 is the empty string, which is never written as a token.
        for (var i = 1; i < TokenTables.SingleByte.Length; i++) Add(TokenTables.SingleByte[i], (ushort)i);
        // A string present in both kinds would be written with the double-byte token (later tables win).
        for (var d = 0; d < TokenTables.DoubleByte.Length; d++)
        {
            var table = TokenTables.DoubleByte[d];
            for (var i = 0; i < table.Length; i++) Add(table[i], (ushort)(((d + 1) << 8) | i));
        }
    }

    public static bool TryGet(ReadOnlySpan<char> value, out byte dictionaryTag, out byte index)
    {
        var slot = Hash(value);
        while (SlotStrings[slot] is { } candidate)
        {
            if (value.SequenceEqual(candidate)) return Found(SlotTokens[slot], out dictionaryTag, out index);
            slot = (slot + 1) & SlotMask;
        }
        dictionaryTag = 0;
        index = 0;
        return false;
    }

    public static bool TryGet(string value, out byte dictionaryTag, out byte index)
    {
        var slot = Hash(value);
        while (SlotStrings[slot] is { } candidate)
        {
            if (ReferenceEquals(candidate, value) || string.Equals(candidate, value, StringComparison.Ordinal))
            {
                return Found(SlotTokens[slot], out dictionaryTag, out index);
            }
            slot = (slot + 1) & SlotMask;
        }
        dictionaryTag = 0;
        index = 0;
        return false;
    }

    public static string? DoubleByte(int dictionary, int index)
    {
        var table = TokenTables.DoubleByte[dictionary];
        return (uint)index < (uint)table.Length ? table[index] : null;
    }

    private static bool Found(ushort token, out byte dictionaryTag, out byte index)
    {
        var dictionary = token >> 8;
        dictionaryTag = dictionary == 0 ? (byte)0 : (byte)(BinaryTags.Dictionary0 + dictionary - 1);
        index = (byte)token;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<char> value)
    {
        var length = value.Length;
        if (length == 0) return 0;
        var hash = (uint)length * 0x9E3779B1u;
        hash ^= value[0] * 0x85EBCA77u;
        hash ^= value[length - 1] * 0xC2B2AE3Du;
        hash ^= value[length >> 1] * 0x27D4EB2Fu;
        hash ^= hash >> 15;
        return (int)(hash & SlotMask);
    }

    private static void Add(string token, ushort code)
    {
        var slot = Hash(token);
        while (SlotStrings[slot] is { } existing && existing != token) slot = (slot + 1) & SlotMask;
        SlotStrings[slot] = token;
        SlotTokens[slot] = code;
    }
}

using System.Collections.Frozen;

namespace WaCluster.Protocol.Binary;

/// <summary>Two-way lookup over <see cref="TokenTables"/>: string to wire token for the encoder, token to the shared string instance for the decoder.</summary>
internal static class Tokens
{
    /// <summary>Encoded token: low byte = index, high byte = 0 for single-byte or 1 + dictionary.</summary>
    private static readonly FrozenDictionary<string, ushort> ByString = Build();

    public static int SingleByteCount => TokenTables.SingleByte.Length;

    private static readonly FrozenDictionary<string, ushort>.AlternateLookup<ReadOnlySpan<char>> BySpan =
        ByString.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool TryGet(ReadOnlySpan<char> value, out byte dictionaryTag, out byte index)
    {
        if (BySpan.TryGetValue(value, out var token))
        {
            var dictionary = token >> 8;
            dictionaryTag = dictionary == 0 ? (byte)0 : (byte)(BinaryTags.Dictionary0 + dictionary - 1);
            index = (byte)token;
            return true;
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

    private static FrozenDictionary<string, ushort> Build()
    {
        var map = new Dictionary<string, ushort>(StringComparer.Ordinal);
        // Index 0 is the empty string, which is never written as a token.
        for (var i = 1; i < TokenTables.SingleByte.Length; i++) map[TokenTables.SingleByte[i]] = (ushort)i;
        // A string present in both kinds is written with the double-byte token (later tables win).
        for (var d = 0; d < TokenTables.DoubleByte.Length; d++)
        {
            var table = TokenTables.DoubleByte[d];
            for (var i = 0; i < table.Length; i++) map[table[i]] = (ushort)(((d + 1) << 8) | i);
        }
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

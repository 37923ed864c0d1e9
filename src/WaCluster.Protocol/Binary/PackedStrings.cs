namespace WaCluster.Protocol.Binary;

/// <summary>
/// Packed strings: two characters per byte, high nibble first; the length byte holds the byte count with bit 7 set
/// when the character count is odd (the last low nibble is then 15). Nibble alphabet: 0-9 '-' '.'; hex: 0-9 A-F.
/// </summary>
internal static class PackedStrings
{
    public const byte None = 0;
    public const byte Nibble = BinaryTags.Nibble8;
    public const byte Hex = BinaryTags.Hex8;

    private const byte Padding = 15;

    /// <summary>Which packing Baileys picks for a non-empty string of at most 127 chars: nibble first, then upper-case hex.</summary>
    public static byte Classify(ReadOnlySpan<char> value)
    {
        var nibbleOnly = false;
        var hexOnly = false;
        foreach (var c in value)
        {
            if (c is >= '0' and <= '9') continue;
            if (c is '-' or '.') nibbleOnly = true;
            else if (c is >= 'A' and <= 'F') hexOnly = true;
            else return None;
        }
        return hexOnly ? (nibbleOnly ? None : Hex) : Nibble;
    }

    public static void Write(NodeBuffer buffer, ReadOnlySpan<char> value, byte packing)
    {
        var pairs = value.Length >> 1;
        var odd = (value.Length & 1) != 0;
        buffer.Bytes(packing, (byte)((pairs + (odd ? 1 : 0)) | (odd ? 0x80 : 0)));
        for (var i = 0; i < pairs; i++)
        {
            buffer.Byte((byte)((Pack(value[2 * i], packing) << 4) | Pack(value[2 * i + 1], packing)));
        }
        if (odd) buffer.Byte((byte)((Pack(value[^1], packing) << 4) | Padding));
    }

    private static int Pack(char c, byte packing) => c switch
    {
        >= '0' and <= '9' => c - '0',
        '-' when packing == Nibble => 10,
        '.' when packing == Nibble => 11,
        >= 'A' and <= 'F' when packing == Hex => c - 'A' + 10,
        _ => throw new BinaryCodecException($"'{c}' cannot be packed"),
    };

    /// <summary>Marks a packed byte holding a nibble outside the alphabet (12, 13, 14).</summary>
    public const uint InvalidPair = uint.MaxValue;

    /// <summary>Both characters of each nibble-packed byte (first in the low half), or <see cref="InvalidPair"/>.</summary>
    public static readonly uint[] NibblePairs = BuildPairs(NibbleChar);

    /// <summary>Both characters of each hex-packed byte (first in the low half).</summary>
    public static readonly uint[] HexPairs = BuildPairs(value => (char)(value < 10 ? '0' + value : 'A' + value - 10));

    /// <summary>Nibble alphabet; 15 is the NUL Baileys produces for padding, wherever it appears.</summary>
    private static char? NibbleChar(int value) => value switch
    {
        <= 9 => (char)('0' + value),
        10 => '-',
        11 => '.',
        15 => '\0',
        _ => null,
    };

    private static uint[] BuildPairs(Func<int, char?> unpack)
    {
        var pairs = new uint[256];
        for (var b = 0; b < pairs.Length; b++)
        {
            pairs[b] = unpack(b >> 4) is { } high && unpack(b & 0x0f) is { } low ? high | ((uint)low << 16) : InvalidPair;
        }
        return pairs;
    }
}

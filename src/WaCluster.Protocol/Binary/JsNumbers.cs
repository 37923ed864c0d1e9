using System.Globalization;

namespace WaCluster.Protocol.Binary;

/// <summary>
/// How Baileys' encoder turns the agent and device parts of a JID string into bytes: the device through JavaScript's
/// <c>Number(s)</c>, the agent through <c>parseInt(s)</c>, then <c>(x || 0) &amp; 0xff</c>. Reproduced so that odd JID-looking
/// strings still encode byte-identically.
/// </summary>
internal static class JsNumbers
{
    /// <summary>Byte written for the device part: <c>(Number(s) || 0) &amp; 0xff</c>.</summary>
    public static byte DeviceByte(ReadOnlySpan<char> text) => TrySmallDecimal(text, out var value) ? (byte)value : LowByte(ToNumber(text));

    /// <summary>Byte written for the agent part: <c>(parseInt(s) || 0) &amp; 0xff</c>.</summary>
    public static byte AgentByte(ReadOnlySpan<char> text) => TrySmallDecimal(text, out var value) ? (byte)value : LowByte(ParseInt(text));

    /// <summary>The common case, plain digits that fit an int, parsed without the general JS rules.</summary>
    private static bool TrySmallDecimal(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 9) return false;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    /// <summary>JavaScript <c>ToInt32(x) &amp; 0xff</c> with NaN and infinities giving 0.</summary>
    private static byte LowByte(double value)
    {
        if (!double.IsFinite(value)) return 0;
        var remainder = Math.Truncate(value) % 256;
        if (remainder < 0) remainder += 256;
        return (byte)remainder;
    }

    /// <summary>JavaScript StringToNumber: trimmed decimal (with exponent, Infinity), 0x/0o/0b integers; empty is 0; else NaN.</summary>
    private static double ToNumber(ReadOnlySpan<char> text)
    {
        var s = Trim(text);
        if (s.IsEmpty) return 0;
        if (s.Length > 2 && s[0] == '0')
        {
            var radix = s[1] switch { 'x' or 'X' => 16, 'o' or 'O' => 8, 'b' or 'B' => 2, _ => 0 };
            if (radix != 0)
            {
                var (value, used) = ParseDigits(s[2..], radix);
                return used == s.Length - 2 ? value : double.NaN;
            }
        }
        var body = s[0] is '+' or '-' ? s[1..] : s;
        if (body.SequenceEqual("Infinity")) return s[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
        return IsDecimalLiteral(body) ? double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture) : double.NaN;
    }

    /// <summary>JavaScript <c>parseInt(s)</c> without a radix: leading whitespace, sign, optional 0x, longest digit prefix.</summary>
    private static double ParseInt(ReadOnlySpan<char> text)
    {
        var s = TrimStart(text);
        var negative = false;
        if (!s.IsEmpty && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        var radix = 10;
        if (s.Length >= 2 && s[0] == '0' && s[1] is 'x' or 'X')
        {
            radix = 16;
            s = s[2..];
        }
        var (value, used) = ParseDigits(s, radix);
        if (used == 0) return double.NaN;
        if (radix == 10) value = double.Parse(s[..used], NumberStyles.None, CultureInfo.InvariantCulture);
        return negative ? -value : value;
    }

    private static (double Value, int Used) ParseDigits(ReadOnlySpan<char> s, int radix)
    {
        double value = 0;
        var used = 0;
        foreach (var c in s)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix) break;
            value = value * radix + digit;
            used++;
        }
        return (value, used);
    }

    /// <summary>StrUnsignedDecimalLiteral: digits with an optional fraction and exponent, at least one digit before the exponent.</summary>
    private static bool IsDecimalLiteral(ReadOnlySpan<char> s)
    {
        var i = 0;
        var digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; digits++; }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; digits++; }
        }
        if (digits == 0) return false;
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-') i++;
            var exponentDigits = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; exponentDigits++; }
            if (exponentDigits == 0) return false;
        }
        return i == s.Length;
    }

    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> s) => TrimEnd(TrimStart(s));

    private static ReadOnlySpan<char> TrimStart(ReadOnlySpan<char> s)
    {
        var i = 0;
        while (i < s.Length && IsJsWhiteSpace(s[i])) i++;
        return s[i..];
    }

    private static ReadOnlySpan<char> TrimEnd(ReadOnlySpan<char> s)
    {
        var end = s.Length;
        while (end > 0 && IsJsWhiteSpace(s[end - 1])) end--;
        return s[..end];
    }

    // ECMAScript WhiteSpace and LineTerminator: tab, VT, FF, space, NBSP, BOM, category Zs, LF, CR, LS, PS.
    private static bool IsJsWhiteSpace(char c) =>
        c is '\t' or '\v' or '\f' or ' ' or '\u00A0' or '\uFEFF' or '\n' or '\r' or '\u2028' or '\u2029'
        || (c > 127 && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator);
}

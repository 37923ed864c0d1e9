using System.Text;
using WaCluster.Protocol.Binary;

namespace WaCluster.Protocol.Tests.Binary;

/// <summary>
/// Seeded generator of nodes that exercise every string rule: tokens of both kinds, nibble and hex candidates around the
/// 127-char packing limit, JID-looking strings of every form (agents, devices, odd numbers, nested '@'), raw UTF-8,
/// nesting, list sizes past 255 and byte content across the BINARY_8/20 boundaries.
/// </summary>
internal sealed class NodeGenerator(int seed)
{
    private static readonly string[] Servers =
        ["s.whatsapp.net", "lid", "g.us", "broadcast", "newsletter", "call", "hosted", "hosted.lid", "c.us", "bot", "interop", "msgr", "example.com"];

    private static readonly string[] OddNumbers = ["", "0", "00", "7", "42", "255", "256", "300", "65535", "99999999999", "-1", "+3", " 12", "12 ", "1e2", "1.9", "0x1f", "0b11", "0o7", "Infinity", "-Infinity", "abc", "12abc", "NaN", "\u00a05"];

    // JavaScript property names that Baileys' plain-object token map resolves to non-tokens (it writes byte 0 for them).
    private static readonly HashSet<string> ObjectPrototypeNames =
        ["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__"];

    private readonly Random _random = new(seed);

    public Random Random => _random;

    public BinaryNode Node(int depth = 0)
    {
        var tag = NonEmptyString();
        var attributeCount = _random.Next(100) switch
        {
            < 20 => 0,
            < 97 => _random.Next(1, 6),
            _ => _random.Next(100, 140), // list sizes past 255 use LIST_16
        };
        var attributes = new List<NodeAttribute>(attributeCount);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (attributes.Count < attributeCount)
        {
            var key = AnyString();
            // JS objects list integer-like keys first, so Baileys cannot keep their order; keys are unique by construction.
            if (NodeJson.IsArrayIndex(key) || !keys.Add(key)) continue;
            attributes.Add(new NodeAttribute(key, AnyString()));
        }
        var kind = _random.Next(100);
        if (kind < 30) return new BinaryNode(tag, attributes.ToArray());
        if (kind < 55 && depth < 5)
        {
            var childCount = _random.Next(100) switch
            {
                < 10 => 0,
                < 99 => _random.Next(1, 5),
                _ => depth == 0 ? _random.Next(256, 300) : 3,
            };
            var children = new BinaryNode[childCount];
            for (var i = 0; i < childCount; i++) children[i] = Node(depth + 1);
            return new BinaryNode(tag, attributes.ToArray(), children);
        }
        if (kind < 85) return new BinaryNode(tag, attributes.ToArray(), Bytes(ByteLength()));
        return new BinaryNode(tag, attributes.ToArray(), AnyString());
    }

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    public string NonEmptyString()
    {
        while (true)
        {
            var value = AnyString();
            if (value.Length > 0) return value;
        }
    }

    public string AnyString()
    {
        while (true)
        {
            var value = Candidate();
            if (!ObjectPrototypeNames.Contains(value)) return value;
        }
    }

    private string Candidate() => _random.Next(14) switch
    {
        0 => TokenTables.SingleByte[_random.Next(1, TokenTables.SingleByte.Length)],
        1 => TokenTables.DoubleByte[_random.Next(4)][_random.Next(256)],
        2 => FromAlphabet("0123456789", PackedLength()),
        3 => FromAlphabet("0123456789-.", PackedLength()),
        4 => FromAlphabet("0123456789ABCDEF", PackedLength()),
        5 => FromAlphabet("0123456789abcdefABCDEF", _random.Next(1, 40)),
        6 or 7 or 8 => JidLike(0),
        9 => FromAlphabet("abcxyz019@:_-. ", _random.Next(0, 30)),
        10 => Unicode(_random.Next(1, 20)),
        11 => OddNumbers[_random.Next(OddNumbers.Length)],
        12 => _random.Next(10) == 0 ? FromAlphabet("abcdefghij ", _random.Next(256, 2000)) : FromAlphabet("abcdefghijklmnopqrstuvwxyz", _random.Next(1, 40)),
        _ => "",
    };

    /// <summary>Around the 127-char packing limit now and then.</summary>
    private int PackedLength() => _random.Next(10) == 0 ? _random.Next(120, 135) : _random.Next(1, 24);

    private string JidLike(int depth)
    {
        var builder = new StringBuilder();
        builder.Append(_random.Next(10) switch
        {
            < 5 => FromAlphabet("0123456789", _random.Next(1, 16)),
            5 => "",
            6 => TokenTables.SingleByte[_random.Next(1, TokenTables.SingleByte.Length)],
            7 => FromAlphabet("0123456789ABCDEF", _random.Next(1, 12)),
            _ => FromAlphabet("abc123.-", _random.Next(1, 10)),
        });
        if (_random.Next(6) == 0) builder.Append('_').Append(_random.Next(3) == 0 ? OddNumbers[_random.Next(OddNumbers.Length)] : _random.Next(0, 256).ToString());
        if (_random.Next(2) == 0) builder.Append(':').Append(_random.Next(3) == 0 ? OddNumbers[_random.Next(OddNumbers.Length)] : _random.Next(0, 100).ToString());
        if (_random.Next(20) == 0) builder.Append(':').Append(_random.Next(5));
        builder.Append('@');
        // An empty server makes a JID pair Baileys cannot decode: rare, to check that we refuse it as well.
        builder.Append(_random.Next(100) switch
        {
            < 75 => Servers[_random.Next(Servers.Length)],
            < 85 => FromAlphabet("abc.xyz", _random.Next(1, 10)),
            < 92 => depth < 3 ? JidLike(depth + 1) : "s.whatsapp.net",
            < 93 => "",
            _ => TokenTables.DoubleByte[_random.Next(4)][_random.Next(256)],
        });
        return builder.ToString();
    }

    private int ByteLength() => _random.Next(100) switch
    {
        < 60 => _random.Next(0, 64),
        < 90 => _random.Next(64, 400),
        < 97 => 254 + _random.Next(5),
        _ => _random.Next(400, 70_000),
    };

    private string FromAlphabet(string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++) chars[i] = alphabet[_random.Next(alphabet.Length)];
        return new string(chars);
    }

    private string Unicode(int length)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            switch (_random.Next(4))
            {
                case 0: builder.Append((char)_random.Next(0x20, 0x7f)); break;
                case 1: builder.Append((char)_random.Next(0xa0, 0x800)); break;
                case 2: builder.Append((char)_random.Next(0x4e00, 0x9fff)); break;
                default: builder.Append(char.ConvertFromUtf32(_random.Next(0x1f300, 0x1faff))); break;
            }
        }
        return builder.ToString();
    }
}

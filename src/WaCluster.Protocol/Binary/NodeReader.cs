using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace WaCluster.Protocol.Binary;

/// <summary>Cursor over one uncompressed node; see <see cref="BinaryDecoder"/>.</summary>
internal ref struct NodeReader
{
    // Baileys reads an INTEROP_JID's server optionally, rewinding when it fails. Rewinds re-read input, so their total
    // cost is capped: each one charges what it re-reads plus this, against a budget of the input size plus slack.
    private const int RewindCharge = 256;
    private const int RewindSlack = 4096;
    private const string InteropServer = "interop";

    private static readonly string[] SmallNumbers = CreateSmallNumbers();

    private readonly ReadOnlySpan<byte> _data;

    /// <summary>The same bytes as memory when byte content may slice them instead of being copied.</summary>
    private readonly ReadOnlyMemory<byte> _sliceable;
    private readonly DecoderScratch _scratch;
    private int _position;
    private int _rewindBudget;
    private bool _aborted;

    public NodeReader(ReadOnlySpan<byte> data, ReadOnlyMemory<byte> sliceable, DecoderScratch scratch)
    {
        _data = data;
        _sliceable = sliceable;
        _scratch = scratch;
        _rewindBudget = data.Length + RewindSlack;
    }

    public readonly int Position => _position;

    public BinaryNode ReadNode(int depth)
    {
        if (depth >= CodecLimits.MaxNodeDepth) throw Fail($"nodes nest deeper than {CodecLimits.MaxNodeDepth} levels");
        var size = ReadListSize(ReadByte());
        var tag = ReadString(ReadByte(), 0);
        if (size == 0 || tag.Length == 0) throw Fail("invalid node: empty list or empty tag");
        var attributes = ReadAttributes((size - 1) >> 1);
        if ((size & 1) != 0) return new BinaryNode(tag, attributes, NodeContentKind.None, null, null, default);

        var contentTag = ReadByte();
        switch (contentTag)
        {
            case BinaryTags.ListEmpty:
                return new BinaryNode(tag, attributes, NodeContentKind.Children, [], null, default);
            case BinaryTags.List8:
            case BinaryTags.List16:
                var children = ReadChildren(ReadListSize(contentTag), depth);
                return new BinaryNode(tag, attributes, NodeContentKind.Children, children, null, default);
            case BinaryTags.Binary8:
            case BinaryTags.Binary20:
            case BinaryTags.Binary32:
                var length = ReadByteLength(contentTag);
                var start = _position;
                var bytes = ReadBytes(length);
                ReadOnlyMemory<byte> content = _sliceable.IsEmpty ? bytes.ToArray() : _sliceable.Slice(start, length);
                return new BinaryNode(tag, attributes, NodeContentKind.Bytes, null, null, content);
            default:
                return new BinaryNode(tag, attributes, NodeContentKind.Text, null, ReadString(contentTag, 0), default);
        }
    }

    private BinaryNode[] ReadChildren(int count, int depth)
    {
        var start = _scratch.NodeCount;
        for (var i = 0; i < count; i++) _scratch.PushNode(ReadNode(depth + 1));
        return _scratch.PopNodes(start);
    }

    /// <summary>Reads attribute pairs; a repeated key keeps its first position and takes the last value, as a JS object does.</summary>
    private NodeAttribute[] ReadAttributes(int count)
    {
        if (count == 0) return [];
        var read = 0;
        Dictionary<string, int>? positions = null;
        for (var i = 0; i < count; i++)
        {
            var key = ReadString(ReadByte(), 0);
            var value = ReadString(ReadByte(), 0);
            var existing = -1;
            if (positions is not null)
            {
                if (positions.TryGetValue(key, out var found)) existing = found;
            }
            else
            {
                for (var j = 0; j < read; j++)
                {
                    if (string.Equals(_scratch.Attributes[j].Key, key, StringComparison.Ordinal))
                    {
                        existing = j;
                        break;
                    }
                }
            }
            if (existing >= 0)
            {
                _scratch.Attributes[existing] = new NodeAttribute(key, value);
                continue;
            }
            _scratch.EnsureAttributes(read + 1);
            _scratch.Attributes[read] = new NodeAttribute(key, value);
            positions?.Add(key, read);
            read++;
            // Linear duplicate search stays cheap for real stanzas; crafted ones with many keys switch to a map.
            if (read == 16 && count > 16)
            {
                positions = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var j = 0; j < read; j++) positions.Add(_scratch.Attributes[j].Key, j);
            }
        }
        return _scratch.Attributes.AsSpan(0, read).ToArray();
    }

    private string ReadString(byte tag, int depth)
    {
        if ((uint)(tag - 1) < (uint)(TokenTables.SingleByte.Length - 1)) return TokenTables.SingleByte[tag];
        switch (tag)
        {
            case BinaryTags.ListEmpty:
                return string.Empty;
            case >= BinaryTags.Dictionary0 and <= BinaryTags.Dictionary3:
                return Tokens.DoubleByte(tag - BinaryTags.Dictionary0, ReadByte()) ?? throw Fail("invalid double-byte token");
            case BinaryTags.Binary8:
            case BinaryTags.Binary20:
            case BinaryTags.Binary32:
                var bytes = ReadBytes(ReadByteLength(tag));
                return bytes.IsEmpty ? string.Empty : Encoding.UTF8.GetString(bytes);
            case BinaryTags.Nibble8:
            case BinaryTags.Hex8:
            case BinaryTags.JidPair:
            case BinaryTags.AdJid:
            case BinaryTags.FbJid:
            case BinaryTags.InteropJid:
                var mark = _scratch.CharCount;
                AppendString(tag, depth);
                var text = new string(_scratch.Chars, mark, _scratch.CharCount - mark);
                _scratch.CharCount = mark;
                return text;
            default:
                throw Fail($"invalid string tag {tag}");
        }
    }

    /// <summary>Appends the string introduced by <paramref name="tag"/> to the scratch characters.</summary>
    private void AppendString(byte tag, int depth)
    {
        if (depth > CodecLimits.MaxStringDepth) throw Fail($"JIDs nest deeper than {CodecLimits.MaxStringDepth} levels");
        switch (tag)
        {
            case BinaryTags.Nibble8:
            case BinaryTags.Hex8:
                AppendPacked(tag);
                return;
            case BinaryTags.JidPair:
            case BinaryTags.AdJid:
            case BinaryTags.FbJid:
            case BinaryTags.InteropJid:
                AppendJid(tag, depth);
                return;
            case BinaryTags.Binary8:
            case BinaryTags.Binary20:
            case BinaryTags.Binary32:
                var bytes = ReadBytes(ReadByteLength(tag));
                var chars = _scratch.ReserveChars(Encoding.UTF8.GetMaxCharCount(bytes.Length));
                _scratch.CharCount += Encoding.UTF8.GetChars(bytes, chars);
                return;
            default:
                _scratch.AppendChars(ReadString(tag, depth));
                return;
        }
    }

    /// <summary>
    /// Appends a JID. A server part that is itself a JID continues the loop instead of recursing, so the chains the
    /// encoder writes for values with many '@' decode at any length.
    /// </summary>
    private void AppendJid(byte tag, int depth)
    {
        while (true)
        {
            switch (tag)
            {
                case BinaryTags.JidPair:
                    AppendString(ReadByte(), depth + 1);
                    _scratch.AppendChar('@');
                    tag = ReadByte();
                    if (IsJidTag(tag)) continue;
                    var serverStart = _scratch.CharCount;
                    AppendString(tag, depth + 1);
                    if (_scratch.CharCount == serverStart) throw Fail("JID pair without a server");
                    return;
                case BinaryTags.AdJid:
                    var domainType = ReadByte();
                    var device = ReadByte();
                    AppendString(ReadByte(), depth + 1);
                    if (device != 0)
                    {
                        _scratch.AppendChar(':');
                        _scratch.AppendChars(SmallNumbers[device]);
                    }
                    _scratch.AppendChars(AtServerOf(domainType));
                    return;
                case BinaryTags.FbJid:
                    AppendString(ReadByte(), depth + 1);
                    _scratch.AppendChar(':');
                    AppendNumber(ReadUInt16());
                    _scratch.AppendChar('@');
                    tag = ReadByte();
                    if (IsJidTag(tag)) continue;
                    AppendString(tag, depth + 1);
                    return;
                default:
                    AppendInteropJid(depth);
                    return;
            }
        }
    }

    /// <summary>INTEROP_JID: user, device, integrator, then an optional server ("interop" when it cannot be read).</summary>
    private void AppendInteropJid(int depth)
    {
        var start = _scratch.CharCount;
        AppendString(ReadByte(), depth + 1);
        var device = ReadUInt16();
        var integrator = ReadUInt16();
        // The integrator comes first in the text but last on the wire: append "user" then move it behind "integrator-".
        var userLength = _scratch.CharCount - start;
        AppendNumber(integrator);
        _scratch.AppendChar('-');
        var prefixLength = _scratch.CharCount - start - userLength;
        var text = _scratch.Chars.AsSpan(start, userLength + prefixLength);
        text.Reverse();
        text[..prefixLength].Reverse();
        text[prefixLength..].Reverse();
        _scratch.AppendChar(':');
        AppendNumber(device);
        _scratch.AppendChar('@');

        var rewindPosition = _position;
        var rewindChars = _scratch.CharCount;
        try
        {
            AppendString(ReadByte(), depth + 1);
        }
        catch (BinaryCodecException) when (!_aborted)
        {
            _rewindBudget -= _position - rewindPosition + RewindCharge;
            if (_rewindBudget < 0)
            {
                _aborted = true;
                throw Fail("too many unreadable interop JID servers");
            }
            _position = rewindPosition;
            _scratch.CharCount = rewindChars;
            _scratch.AppendChars(InteropServer);
        }
    }

    private void AppendPacked(byte tag)
    {
        var header = ReadByte();
        var packed = ReadBytes(header & 0x7f);
        var pairs = tag == BinaryTags.Nibble8 ? PackedStrings.NibblePairs : PackedStrings.HexPairs;
        var chars = _scratch.ReserveChars(packed.Length * 2);
        for (var i = 0; i < packed.Length; i++)
        {
            var pair = pairs[packed[i]];
            if (pair == PackedStrings.InvalidPair) throw Fail($"invalid nibble in packed byte {packed[i]:X2}");
            chars[2 * i] = (char)pair;
            chars[2 * i + 1] = (char)(pair >> 16);
        }
        // An odd length drops the last (padding) character, which was still validated above, as Baileys does.
        _scratch.CharCount += Math.Max(0, packed.Length * 2 - (header >> 7));
    }

    private void AppendNumber(int value)
    {
        var chars = _scratch.ReserveChars(5);
        value.TryFormat(chars, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        _scratch.CharCount += written;
    }

    private static bool IsJidTag(byte tag) =>
        tag is BinaryTags.JidPair or BinaryTags.AdJid or BinaryTags.FbJid or BinaryTags.InteropJid;

    private static string AtServerOf(byte domainType) => domainType switch
    {
        BinaryTags.DomainLid => "@lid",
        BinaryTags.DomainHosted => "@hosted",
        BinaryTags.DomainHostedLid => "@hosted.lid",
        _ => "@s.whatsapp.net",
    };

    private int ReadListSize(byte tag) => tag switch
    {
        BinaryTags.ListEmpty => 0,
        BinaryTags.List8 => ReadByte(),
        BinaryTags.List16 => ReadUInt16(),
        _ => throw Fail($"invalid list tag {tag}"),
    };

    private int ReadByteLength(byte tag)
    {
        switch (tag)
        {
            case BinaryTags.Binary8:
                return ReadByte();
            case BinaryTags.Binary20:
                var bytes = ReadBytes(3);
                return ((bytes[0] & 0x0f) << 16) | (bytes[1] << 8) | bytes[2];
            default:
                var length = BinaryPrimitives.ReadUInt32BigEndian(ReadBytes(4));
                return length <= (uint)(_data.Length - _position) ? (int)length : throw EndOfData();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte ReadByte()
    {
        if ((uint)_position >= (uint)_data.Length) throw EndOfData();
        return _data[_position++];
    }

    private int ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(ReadBytes(2));

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count > _data.Length - _position) throw EndOfData();
        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    private readonly BinaryCodecException EndOfData() => new($"unexpected end of data at byte {_position}");

    private static BinaryCodecException Fail(string message) => new(message);

    private static string[] CreateSmallNumbers()
    {
        var numbers = new string[256];
        for (var i = 0; i < numbers.Length; i++) numbers[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return numbers;
    }
}

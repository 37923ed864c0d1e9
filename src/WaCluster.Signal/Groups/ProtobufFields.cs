namespace WaCluster.Signal.Groups;

/// <summary>
/// The few protobuf wire rules the sender key messages need (varint and length-delimited fields), read and written
/// straight from spans so the per-message path allocates nothing for framing.
/// </summary>
internal static class ProtobufFields
{
    public const int WireVarint = 0;
    public const int WireFixed64 = 1;
    public const int WireLengthDelimited = 2;
    public const int WireFixed32 = 5;

    public static int VarintSize(uint value) => value switch
    {
        < 1u << 7 => 1,
        < 1u << 14 => 2,
        < 1u << 21 => 3,
        < 1u << 28 => 4,
        _ => 5,
    };

    public static int WriteVarint(Span<byte> destination, uint value)
    {
        var written = 0;
        while (value >= 0x80)
        {
            destination[written++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[written++] = (byte)value;
        return written;
    }

    public static int UInt32FieldSize(uint value) => 1 + VarintSize(value);

    public static int BytesFieldSize(int length) => 1 + VarintSize((uint)length) + length;

    public static int WriteUInt32Field(Span<byte> destination, int field, uint value)
    {
        destination[0] = (byte)(field << 3 | WireVarint);
        return 1 + WriteVarint(destination[1..], value);
    }

    /// <summary>Writes the tag and length of a bytes field; the caller writes the <paramref name="length"/> bytes after it.</summary>
    public static int WriteBytesHeader(Span<byte> destination, int field, int length)
    {
        destination[0] = (byte)(field << 3 | WireLengthDelimited);
        return 1 + WriteVarint(destination[1..], (uint)length);
    }
}

/// <summary>Bounds-checked protobuf field reader over a span; every malformation is an <see cref="InvalidMessageException"/>.</summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> buffer, string what)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public readonly int Position => _position;

    /// <summary>Reads the next field tag; false at the end of the buffer.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        if (_position >= _buffer.Length)
        {
            field = wireType = 0;
            return false;
        }
        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (field == 0 || tag > uint.MaxValue)
        {
            throw Malformed("invalid field tag");
        }
        return true;
    }

    public uint ReadUInt32(int wireType)
    {
        RequireWireType(wireType, ProtobufFields.WireVarint);
        var value = ReadVarint();
        // Encoders write uint32 as a plain varint; anything wider is not our message.
        return value <= uint.MaxValue ? (uint)value : throw Malformed("uint32 field out of range");
    }

    /// <summary>The range of a length-delimited field's bytes within the buffer.</summary>
    public Range ReadBytes(int wireType)
    {
        RequireWireType(wireType, ProtobufFields.WireLengthDelimited);
        var length = ReadVarint();
        if (length > (ulong)(_buffer.Length - _position))
        {
            throw Malformed("field length runs past the end");
        }
        var start = _position;
        _position += (int)length;
        return start.._position;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case ProtobufFields.WireVarint:
                ReadVarint();
                break;
            case ProtobufFields.WireLengthDelimited:
                ReadBytes(wireType);
                break;
            case ProtobufFields.WireFixed64:
                Advance(8);
                break;
            case ProtobufFields.WireFixed32:
                Advance(4);
                break;
            default:
                throw Malformed($"unsupported wire type {wireType}");
        }
    }

    private void Advance(int count)
    {
        if (count > _buffer.Length - _position)
        {
            throw Malformed("truncated field");
        }
        _position += count;
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _buffer.Length)
            {
                throw Malformed("truncated varint");
            }
            var b = _buffer[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw Malformed("varint longer than 10 bytes");
    }

    private readonly void RequireWireType(int actual, int expected)
    {
        if (actual != expected)
        {
            throw Malformed($"wire type {actual} where {expected} was expected");
        }
    }

    private readonly InvalidMessageException Malformed(string reason) => new($"malformed {what}: {reason}");
}

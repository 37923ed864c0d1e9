using System.Buffers.Binary;

namespace WaCluster.Protocol.Crypto;

/// <summary>
/// An element of GF(2^255 - 19) in five 51-bit limbs. Only what the Montgomery-to-Edwards key conversion needs
/// (add, subtract, multiply, invert, canonical encoding): with 128-bit products an inversion costs microseconds,
/// where BigInteger.ModPow costs hundreds of them and made signature checks slow.
/// </summary>
internal readonly struct FieldElement
{
    private const ulong Mask = (1UL << 51) - 1;

    private readonly ulong _l0, _l1, _l2, _l3, _l4;

    private FieldElement(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        _l0 = l0;
        _l1 = l1;
        _l2 = l2;
        _l3 = l3;
        _l4 = l4;
    }

    public static FieldElement One => new(1, 0, 0, 0, 0);

    /// <summary>Reads 32 little-endian bytes, ignoring the top bit as curve25519 implementations do.</summary>
    public static FieldElement FromBytes(ReadOnlySpan<byte> bytes)
    {
        var w0 = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var w1 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        var w2 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        var w3 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]);
        return new FieldElement(
            w0 & Mask,
            ((w0 >> 51) | (w1 << 13)) & Mask,
            ((w1 >> 38) | (w2 << 26)) & Mask,
            ((w2 >> 25) | (w3 << 39)) & Mask,
            (w3 >> 12) & Mask);
    }

    /// <summary>Writes the canonical (fully reduced) 32-byte little-endian encoding.</summary>
    public void ToBytes(Span<byte> bytes)
    {
        var (l0, l1, l2, l3, l4) = Carry(_l0, _l1, _l2, _l3, _l4);
        (l0, l1, l2, l3, l4) = Carry(l0, l1, l2, l3, l4);
        // The value is now below 2^255 + a little; subtract p once if it is at least p.
        var q = (l0 + 19) >> 51;
        q = (l1 + q) >> 51;
        q = (l2 + q) >> 51;
        q = (l3 + q) >> 51;
        q = (l4 + q) >> 51;
        l0 += 19 * q;
        l1 += l0 >> 51; l0 &= Mask;
        l2 += l1 >> 51; l1 &= Mask;
        l3 += l2 >> 51; l2 &= Mask;
        l4 += l3 >> 51; l3 &= Mask;
        l4 &= Mask;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, l0 | (l1 << 51));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], (l1 >> 13) | (l2 << 38));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[16..], (l2 >> 26) | (l3 << 25));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[24..], (l3 >> 39) | (l4 << 12));
    }

    public static FieldElement operator +(FieldElement a, FieldElement b)
    {
        var (l0, l1, l2, l3, l4) = Carry(a._l0 + b._l0, a._l1 + b._l1, a._l2 + b._l2, a._l3 + b._l3, a._l4 + b._l4);
        return new FieldElement(l0, l1, l2, l3, l4);
    }

    public static FieldElement operator -(FieldElement a, FieldElement b)
    {
        // Adding 2p keeps every limb positive for inputs below 2^52.
        var (l0, l1, l2, l3, l4) = Carry(
            a._l0 + 0xFFFFFFFFFFFDA - b._l0,
            a._l1 + 0xFFFFFFFFFFFFE - b._l1,
            a._l2 + 0xFFFFFFFFFFFFE - b._l2,
            a._l3 + 0xFFFFFFFFFFFFE - b._l3,
            a._l4 + 0xFFFFFFFFFFFFE - b._l4);
        return new FieldElement(l0, l1, l2, l3, l4);
    }

    public static FieldElement operator *(FieldElement a, FieldElement b)
    {
        ulong b1 = b._l1 * 19, b2 = b._l2 * 19, b3 = b._l3 * 19, b4 = b._l4 * 19;
        var r0 = (UInt128)a._l0 * b._l0 + (UInt128)a._l1 * b4 + (UInt128)a._l2 * b3 + (UInt128)a._l3 * b2 + (UInt128)a._l4 * b1;
        var r1 = (UInt128)a._l0 * b._l1 + (UInt128)a._l1 * b._l0 + (UInt128)a._l2 * b4 + (UInt128)a._l3 * b3 + (UInt128)a._l4 * b2;
        var r2 = (UInt128)a._l0 * b._l2 + (UInt128)a._l1 * b._l1 + (UInt128)a._l2 * b._l0 + (UInt128)a._l3 * b4 + (UInt128)a._l4 * b3;
        var r3 = (UInt128)a._l0 * b._l3 + (UInt128)a._l1 * b._l2 + (UInt128)a._l2 * b._l1 + (UInt128)a._l3 * b._l0 + (UInt128)a._l4 * b4;
        var r4 = (UInt128)a._l0 * b._l4 + (UInt128)a._l1 * b._l3 + (UInt128)a._l2 * b._l2 + (UInt128)a._l3 * b._l1 + (UInt128)a._l4 * b._l0;
        r1 += r0 >> 51;
        r2 += r1 >> 51;
        r3 += r2 >> 51;
        r4 += r3 >> 51;
        var l0 = ((ulong)r0 & Mask) + 19 * (ulong)(r4 >> 51);
        var l1 = ((ulong)r1 & Mask) + (l0 >> 51);
        return new FieldElement(l0 & Mask, l1, (ulong)r2 & Mask, (ulong)r3 & Mask, (ulong)r4 & Mask);
    }

    /// <summary>The multiplicative inverse, as this^(p - 2); zero maps to zero.</summary>
    public FieldElement Invert()
    {
        var z = this;
        var t0 = z.Square();                         // 2
        var t1 = t0.Square().Square() * z;           // 9
        t0 *= t1;                                    // 11
        t1 *= t0.Square();                           // 2^5 - 1
        t1 = t1.SquareTimes(5) * t1;                 // 2^10 - 1
        var t2 = t1.SquareTimes(10) * t1;            // 2^20 - 1
        t2 = t2.SquareTimes(20) * t2;                // 2^40 - 1
        t1 = t2.SquareTimes(10) * t1;                // 2^50 - 1
        t2 = t1.SquareTimes(50) * t1;                // 2^100 - 1
        t2 = t2.SquareTimes(100) * t2;               // 2^200 - 1
        t1 = t2.SquareTimes(50) * t1;                // 2^250 - 1
        return t1.SquareTimes(5) * t0;               // 2^255 - 21 = p - 2
    }

    private FieldElement Square() => this * this;

    private FieldElement SquareTimes(int count)
    {
        var x = this;
        for (var i = 0; i < count; i++) x = x * x;
        return x;
    }

    private static (ulong, ulong, ulong, ulong, ulong) Carry(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        l1 += l0 >> 51; l0 &= Mask;
        l2 += l1 >> 51; l1 &= Mask;
        l3 += l2 >> 51; l2 &= Mask;
        l4 += l3 >> 51; l3 &= Mask;
        l0 += 19 * (l4 >> 51); l4 &= Mask;
        l1 += l0 >> 51; l0 &= Mask;
        return (l0, l1, l2, l3, l4);
    }
}

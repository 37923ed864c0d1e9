using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace WaCluster.Protocol.Crypto;

/// <summary>The 15 AES-256 round keys, expanded with AES-NI; the decryption schedule is the equivalent inverse cipher's.</summary>
[InlineArray(Count)]
internal struct Aes256RoundKeys
{
    public const int Count = 15;
    public const int KeyLength = 32;

    private Vector128<byte> _key;

    public static Aes256RoundKeys ForEncryption(ReadOnlySpan<byte> key)
    {
        var keys = default(Aes256RoundKeys);
        var even = Vector128.Create(key[..16]);
        var odd = Vector128.Create(key[16..KeyLength]);
        keys[0] = even;
        keys[1] = odd;
        // KeygenAssist takes its round constant as an immediate, hence one line per round.
        even = NextEven(even, AesNi.KeygenAssist(odd, 0x01)); keys[2] = even; odd = NextOdd(odd, even); keys[3] = odd;
        even = NextEven(even, AesNi.KeygenAssist(odd, 0x02)); keys[4] = even; odd = NextOdd(odd, even); keys[5] = odd;
        even = NextEven(even, AesNi.KeygenAssist(odd, 0x04)); keys[6] = even; odd = NextOdd(odd, even); keys[7] = odd;
        even = NextEven(even, AesNi.KeygenAssist(odd, 0x08)); keys[8] = even; odd = NextOdd(odd, even); keys[9] = odd;
        even = NextEven(even, AesNi.KeygenAssist(odd, 0x10)); keys[10] = even; odd = NextOdd(odd, even); keys[11] = odd;
        even = NextEven(even, AesNi.KeygenAssist(odd, 0x20)); keys[12] = even; odd = NextOdd(odd, even); keys[13] = odd;
        keys[14] = NextEven(even, AesNi.KeygenAssist(odd, 0x40));
        return keys;
    }

    /// <summary>Round keys in reverse order, the inner ones passed through InvMixColumns, for AESDEC.</summary>
    public static Aes256RoundKeys ForDecryption(ReadOnlySpan<byte> key)
    {
        var encryption = ForEncryption(key);
        var keys = default(Aes256RoundKeys);
        keys[0] = encryption[Count - 1];
        for (var i = 1; i < Count - 1; i++)
        {
            keys[i] = AesNi.InverseMixColumns(encryption[Count - 1 - i]);
        }
        keys[Count - 1] = encryption[0];
        encryption = default;
        return keys;
    }

    public readonly Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        block ^= this[0];
        for (var i = 1; i < Count - 1; i++)
        {
            block = AesNi.Encrypt(block, this[i]);
        }
        return AesNi.EncryptLast(block, this[Count - 1]);
    }

    public readonly Vector128<byte> DecryptBlock(Vector128<byte> block)
    {
        block ^= this[0];
        for (var i = 1; i < Count - 1; i++)
        {
            block = AesNi.Decrypt(block, this[i]);
        }
        return AesNi.DecryptLast(block, this[Count - 1]);
    }

    // Each new word is the previous round key's word XOR all earlier words of this key (the running XOR of
    // 4-byte lane shifts), XOR the broadcast word produced by KeygenAssist.
    private static Vector128<byte> NextEven(Vector128<byte> previous, Vector128<byte> assist) =>
        PrefixXor(previous) ^ Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();

    private static Vector128<byte> NextOdd(Vector128<byte> previous, Vector128<byte> even) =>
        PrefixXor(previous) ^ Sse2.Shuffle(AesNi.KeygenAssist(even, 0x00).AsUInt32(), 0xAA).AsByte();

    private static Vector128<byte> PrefixXor(Vector128<byte> key)
    {
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ Sse2.ShiftLeftLogical128BitLane(key, 4);
    }
}

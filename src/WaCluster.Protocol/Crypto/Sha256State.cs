using System.Runtime.CompilerServices;

namespace WaCluster.Protocol.Crypto;

/// <summary>The eight SHA-256 chaining words: all a block function reads and writes, and all an HMAC pad state is.</summary>
[InlineArray(Words)]
internal struct Sha256State
{
    public const int Words = 8;
    public const int Size = Words * sizeof(uint);

    private uint _word;

    /// <summary>The standard initial hash value.</summary>
    public static Sha256State Initial()
    {
        var state = default(Sha256State);
        state[0] = 0x6a09e667;
        state[1] = 0xbb67ae85;
        state[2] = 0x3c6ef372;
        state[3] = 0xa54ff53a;
        state[4] = 0x510e527f;
        state[5] = 0x9b05688c;
        state[6] = 0x1f83d9ab;
        state[7] = 0x5be0cd19;
        return state;
    }
}

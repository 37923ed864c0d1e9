using System.Runtime.CompilerServices;

namespace WaCluster.Protocol.Crypto;

/// <summary>
/// The SHA-256 chaining state laid out as OpenSSL's <c>SHA256_CTX</c> (112 bytes, the eight hash words first), so
/// the native block function can work on it in place. Only the hash words carry meaning; the rest is room the
/// native struct has, kept so that no native call can write past our memory.
/// </summary>
[InlineArray(Words)]
internal struct Sha256Context
{
    public const int Words = 28;
    public const int Size = Words * sizeof(uint);
    public const int HashWords = 8;

    private uint _word;

    /// <summary>The standard initial hash value.</summary>
    public static Sha256Context Initial()
    {
        var context = default(Sha256Context);
        context[0] = 0x6a09e667;
        context[1] = 0xbb67ae85;
        context[2] = 0x3c6ef372;
        context[3] = 0xa54ff53a;
        context[4] = 0x510e527f;
        context[5] = 0x9b05688c;
        context[6] = 0x1f83d9ab;
        context[7] = 0x5be0cd19;
        return context;
    }
}

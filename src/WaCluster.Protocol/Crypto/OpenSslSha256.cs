using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace WaCluster.Protocol.Crypto;

/// <summary>
/// Finds OpenSSL's one-block SHA-256 function (<c>SHA256_Transform</c>, which works on the eight hash words that
/// open <c>SHA256_CTX</c>) and hands it out only after checking, on this very library, that the struct has the
/// layout we know, that the function writes nothing past the hash words, and that it computes a known digest.
/// </summary>
internal static unsafe class OpenSslSha256
{
    private static readonly string[] LibraryNames = ["libcrypto.so.3", "libcrypto.3.dylib"];

    // OpenSSL 3's SHA256_CTX: h[8], Nl, Nh, data[16], num, md_len; SHA256_Init stores 32 in md_len.
    private const int ContextSize = 112;
    private const int DigestLengthOffset = ContextSize - sizeof(uint);
    private const int GuardLength = 64;
    private const byte GuardByte = 0xA5;

    public static delegate* unmanaged[Cdecl, SuppressGCTransition]<Sha256State*, byte*, void> LoadTransform()
    {
        foreach (var name in LibraryNames)
        {
            if (!NativeLibrary.TryLoad(name, out var library))
            {
                continue;
            }
            if (NativeLibrary.TryGetExport(library, "SHA256_Init", out var init)
                && NativeLibrary.TryGetExport(library, "SHA256_Transform", out var transform)
                && HasExpectedContextLayout((delegate* unmanaged[Cdecl]<byte*, int>)init))
            {
                var block = (delegate* unmanaged[Cdecl, SuppressGCTransition]<Sha256State*, byte*, void>)transform;
                if (ComputesKnownDigestWithinHashWords(block))
                {
                    return block;
                }
            }
        }
        return null;
    }

    private static bool HasExpectedContextLayout(delegate* unmanaged[Cdecl]<byte*, int> init)
    {
        var buffer = stackalloc byte[ContextSize + GuardLength];
        var all = new Span<byte>(buffer, ContextSize + GuardLength);
        all.Fill(GuardByte);
        if (init(buffer) != 1)
        {
            return false;
        }
        return BinaryPrimitives.ReadUInt32LittleEndian(all[DigestLengthOffset..]) == Sha256State.Size
            && !all[Sha256State.Size..DigestLengthOffset].ContainsAnyExcept((byte)0)
            && !all[ContextSize..].ContainsAnyExcept(GuardByte);
    }

    private static bool ComputesKnownDigestWithinHashWords(delegate* unmanaged[Cdecl, SuppressGCTransition]<Sha256State*, byte*, void> transform)
    {
        // "abc" padded to one block, hashed in a full-size context whose bytes after the hash words must stay untouched.
        var block = stackalloc byte[Sha256Compression.BlockLength];
        var blockSpan = new Span<byte>(block, Sha256Compression.BlockLength);
        blockSpan.Clear();
        "abc"u8.CopyTo(blockSpan);
        block[3] = 0x80;
        block[Sha256Compression.BlockLength - 1] = 3 * 8;
        var context = stackalloc byte[ContextSize + GuardLength];
        var contextSpan = new Span<byte>(context, ContextSize + GuardLength);
        contextSpan.Fill(GuardByte);
        *(Sha256State*)context = Sha256State.Initial();
        transform((Sha256State*)context, block);

        Span<byte> expected = stackalloc byte[Sha256State.Size];
        SHA256.HashData("abc"u8, expected);
        var state = *(Sha256State*)context;
        for (var i = 0; i < Sha256State.Words; i++)
        {
            if (state[i] != BinaryPrimitives.ReadUInt32BigEndian(expected[(i * sizeof(uint))..]))
            {
                return false;
            }
        }
        return !contextSpan[Sha256State.Size..].ContainsAnyExcept(GuardByte);
    }
}

using System.Runtime.InteropServices;

namespace WaCluster.Protocol.Crypto;

/// <summary>
/// Finds OpenSSL's one-block SHA-256 function (<c>SHA256_Transform</c>) and only hands it out after checking that
/// the library's <c>SHA256_CTX</c> has the size we allocate and that the function computes a known digest.
/// </summary>
internal static unsafe class OpenSslSha256
{
    private static readonly string[] LibraryNames = ["libcrypto.so.3", "libcrypto.3.dylib"];

    // SHA256_Init clears the whole struct and stores the digest length (32) in its last word.
    private const int DigestLengthOffset = Sha256Context.Size - sizeof(uint);
    private const int GuardLength = 64;
    private const byte GuardByte = 0xA5;

    public static delegate* unmanaged[Cdecl, SuppressGCTransition]<Sha256Context*, byte*, void> LoadTransform()
    {
        foreach (var name in LibraryNames)
        {
            if (!NativeLibrary.TryLoad(name, out var library))
            {
                continue;
            }
            if (NativeLibrary.TryGetExport(library, "SHA256_Init", out var init)
                && NativeLibrary.TryGetExport(library, "SHA256_Transform", out var transform)
                && HasExpectedContextSize((delegate* unmanaged[Cdecl]<byte*, int>)init)
                && ComputesKnownDigest((delegate* unmanaged[Cdecl, SuppressGCTransition]<Sha256Context*, byte*, void>)transform))
            {
                return (delegate* unmanaged[Cdecl, SuppressGCTransition]<Sha256Context*, byte*, void>)transform;
            }
        }
        return null;
    }

    private static bool HasExpectedContextSize(delegate* unmanaged[Cdecl]<byte*, int> init)
    {
        var buffer = stackalloc byte[Sha256Context.Size + GuardLength];
        new Span<byte>(buffer, Sha256Context.Size + GuardLength).Fill(GuardByte);
        if (init(buffer) != 1)
        {
            return false;
        }
        var initialised = new ReadOnlySpan<byte>(buffer, Sha256Context.Size);
        var guard = new ReadOnlySpan<byte>(buffer + Sha256Context.Size, GuardLength);
        return BitConverter.ToUInt32(initialised[DigestLengthOffset..]) == 32
            && !initialised[(Sha256Context.HashWords * sizeof(uint))..DigestLengthOffset].ContainsAnyExcept((byte)0)
            && !guard.ContainsAnyExcept(GuardByte);
    }

    private static bool ComputesKnownDigest(delegate* unmanaged[Cdecl, SuppressGCTransition]<Sha256Context*, byte*, void> transform)
    {
        // "abc" padded to one block; the expected words come from the BCL's own SHA-256.
        var block = stackalloc byte[Sha256Compression.BlockLength];
        var blockSpan = new Span<byte>(block, Sha256Compression.BlockLength);
        blockSpan.Clear();
        "abc"u8.CopyTo(blockSpan);
        block[3] = 0x80;
        block[63] = 3 * 8;
        var context = Sha256Context.Initial();
        transform(&context, block);
        Span<byte> expected = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData("abc"u8, expected);
        for (var i = 0; i < Sha256Context.HashWords; i++)
        {
            if (context[i] != System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(expected[(i * 4)..]))
            {
                return false;
            }
        }
        return true;
    }
}

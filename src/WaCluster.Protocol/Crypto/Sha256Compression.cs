using System.Runtime.InteropServices;

namespace WaCluster.Protocol.Crypto;

/// <summary>
/// The SHA-256 block function: OpenSSL's when libcrypto is present and passes its self-check (it uses the CPU's
/// SHA extensions, several times faster than any managed code), else the managed one.
/// </summary>
internal static unsafe class Sha256Compression
{
    public const int BlockLength = 64;

    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<Sha256State*, byte*, void> s_native =
        OpenSslSha256.LoadTransform();

    public static bool IsNative => s_native != null;

    /// <summary>Absorbs whole 64-byte blocks into <paramref name="state"/>.</summary>
    public static void Compress(ref Sha256State state, ReadOnlySpan<byte> blocks)
    {
        if (blocks.Length % BlockLength != 0)
        {
            throw new ArgumentException("SHA-256 input must be whole blocks", nameof(blocks));
        }
        var native = s_native;
        if (native == null)
        {
            ManagedSha256Compression.Compress(ref state, blocks);
            return;
        }
        fixed (Sha256State* words = &state)
        fixed (byte* data = &MemoryMarshal.GetReference(blocks))
        {
            for (var offset = 0; offset < blocks.Length; offset += BlockLength)
            {
                native(words, data + offset);
            }
        }
    }
}

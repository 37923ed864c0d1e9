using System.Runtime.InteropServices;

namespace WaCluster.Protocol.Crypto;

/// <summary>
/// The few libsodium entry points the curve code needs. libsodium comes as a native asset of the
/// <c>libsodium</c> NuGet package; its constant-time X25519 and Ed25519 group arithmetic is several times
/// faster than managed implementations, and the Signal ratchet is bounded by exactly these operations.
/// </summary>
internal static unsafe partial class Sodium
{
    private const string Library = "libsodium";

    static Sodium()
    {
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium failed to initialise");
        }
    }

    /// <summary>Touching this runs the static initialiser (sodium_init) exactly once.</summary>
    internal static void EnsureInitialised()
    {
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    internal static partial int crypto_scalarmult_curve25519(byte* q, byte* n, byte* p);

    [LibraryImport(Library)]
    internal static partial int crypto_scalarmult_curve25519_base(byte* q, byte* n);

    [LibraryImport(Library)]
    internal static partial int crypto_scalarmult_ed25519_base_noclamp(byte* q, byte* n);

    [LibraryImport(Library)]
    internal static partial void crypto_core_ed25519_scalar_reduce(byte* r, byte* s);

    [LibraryImport(Library)]
    internal static partial void crypto_core_ed25519_scalar_mul(byte* z, byte* x, byte* y);

    [LibraryImport(Library)]
    internal static partial void crypto_core_ed25519_scalar_add(byte* z, byte* x, byte* y);

    [LibraryImport(Library)]
    internal static partial int crypto_sign_ed25519_verify_detached(byte* sig, byte* m, ulong mlen, byte* pk);
}

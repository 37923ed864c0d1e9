using System.Buffers.Binary;
using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;

namespace WaCluster.Protocol.Tests.Crypto;

[Trait("Proof", "wire-crypto")]
public sealed class Sha256CompressionTests
{
    public static TheoryData<int> EdgeLengths() => new() { 0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 70_000 };

    [Fact]
    public void Native_block_function_is_found_on_this_machine()
    {
        // The build machines ship OpenSSL 3; without it every test below would only cover the managed fallback.
        Assert.True(Sha256Compression.IsNative);
    }

    [Theory]
    [MemberData(nameof(EdgeLengths))]
    public void Incremental_hash_matches_the_bcl_at_edge_lengths(int length)
    {
        var data = RandomNumberGenerator.GetBytes(length);
        var hasher = new Sha256Hasher(Sha256State.Initial(), 0);
        hasher.Append(data);
        var digest = new byte[32];
        hasher.Finish(digest);
        Assert.Equal(SHA256.HashData(data), digest);
    }

    [Fact]
    public void Hash_fed_in_random_pieces_matches_the_bcl()
    {
        var random = new Random(1127);
        for (var i = 0; i < 2000; i++)
        {
            var data = new byte[random.Next(0, 400)];
            random.NextBytes(data);
            var hasher = new Sha256Hasher(Sha256State.Initial(), 0);
            var rest = data.AsSpan();
            while (!rest.IsEmpty)
            {
                var take = random.Next(0, rest.Length + 1);
                hasher.Append(rest[..take]);
                rest = rest[take..];
            }
            var digest = new byte[32];
            hasher.Finish(digest);
            Assert.Equal(SHA256.HashData(data), digest);
        }
    }

    [Fact]
    public void Managed_block_function_matches_the_bcl()
    {
        var random = new Random(2026);
        for (var i = 0; i < 2000; i++)
        {
            var data = new byte[random.Next(0, 300)];
            random.NextBytes(data);
            Assert.Equal(SHA256.HashData(data), ManagedDigest(data));
        }
    }

    [Fact]
    public void Partial_digest_buffer_is_rejected()
    {
        var hasher = new Sha256Hasher(Sha256State.Initial(), 0);
        Assert.Throws<ArgumentException>(() => hasher.Finish(new byte[31]));
    }

    // FIPS 180-4 padding written out here so the managed block function is checked on its own.
    private static byte[] ManagedDigest(byte[] data)
    {
        var paddedLength = (data.Length + 8) / 64 * 64 + 64;
        var padded = new byte[paddedLength];
        data.CopyTo(padded, 0);
        padded[data.Length] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(padded.AsSpan(paddedLength - 8), (ulong)data.Length * 8);
        var context = Sha256State.Initial();
        ManagedSha256Compression.Compress(ref context, padded);
        var digest = new byte[32];
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest.AsSpan(i * 4), context[i]);
        }
        return digest;
    }
}

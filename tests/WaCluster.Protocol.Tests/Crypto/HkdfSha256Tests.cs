using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;

namespace WaCluster.Protocol.Tests.Crypto;

[Trait("Proof", "wire-crypto")]
public sealed class HkdfSha256Tests
{
    [Fact]
    public void Derived_keys_match_the_bcl_for_random_inputs_salts_and_lengths()
    {
        var random = new Random(5869);
        for (var i = 0; i < 3000; i++)
        {
            var ikm = Bytes(random, random.Next(0, 130));
            var salt = Bytes(random, random.Next(0, 100));
            var info = Bytes(random, random.Next(0, 80));
            var length = random.Next(1, 300);
            AssertMatchesBcl(ikm, salt, info, length);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(80)]
    [InlineData(255 * 32)]
    public void Edge_output_lengths_match_the_bcl(int length) =>
        AssertMatchesBcl(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), "WhisperMessageKeys"u8.ToArray(), length);

    [Fact]
    public void Empty_salt_equals_libsignals_zero_salt()
    {
        var ikm = RandomNumberGenerator.GetBytes(32);
        var ours = new byte[80];
        HkdfSha256.DeriveKey(ikm, ours, [], "WhisperText"u8);
        Assert.Equal(HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 80, new byte[32], "WhisperText"u8.ToArray()), ours);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255 * 32 + 1)]
    public void Impossible_output_lengths_are_rejected(int length) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => HkdfSha256.DeriveKey([1], new byte[length], [], []));

    private static void AssertMatchesBcl(byte[] ikm, byte[] salt, byte[] info, int length)
    {
        var ours = new byte[length];
        HkdfSha256.DeriveKey(ikm, ours, salt, info);
        Assert.Equal(HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, length, salt, info), ours);
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}

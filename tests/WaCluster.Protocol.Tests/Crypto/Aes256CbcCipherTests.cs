using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;

namespace WaCluster.Protocol.Tests.Crypto;

[Trait("Proof", "wire-crypto")]
public sealed class Aes256CbcCipherTests
{
    private static readonly int[] EdgeLengths = [0, 1, 15, 16, 17, 31, 32, 55, 56, 63, 64, 65, 119, 120, 128, 1023, 1024, 1025, 70_000];

    [Fact]
    public void Aes_ni_is_available_on_this_machine() => Assert.True(System.Runtime.Intrinsics.X86.Aes.IsSupported);

    [Fact]
    public void Ciphertexts_match_the_bcl_and_decrypt_back_for_edge_lengths()
    {
        foreach (var length in EdgeLengths)
        {
            AssertRoundTripMatchesBcl(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(length));
        }
    }

    [Fact]
    public void Ciphertexts_match_the_bcl_for_thousands_of_random_keys_and_lengths()
    {
        var random = new Random(197);
        for (var i = 0; i < 3000; i++)
        {
            var key = new byte[32];
            var iv = new byte[16];
            var plaintext = new byte[random.Next(0, 300)];
            random.NextBytes(key);
            random.NextBytes(iv);
            random.NextBytes(plaintext);
            AssertRoundTripMatchesBcl(key, iv, plaintext);
        }
    }

    [Fact]
    public void Span_variants_write_exactly_the_bcl_bytes()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);
        var plaintext = RandomNumberGenerator.GetBytes(100);
        var ciphertext = new byte[Aes256CbcCipher.CiphertextLength(plaintext.Length)];
        Assert.Equal(112, Aes256CbcCipher.Encrypt(key, iv, plaintext, ciphertext));
        Assert.Equal(Bcl(key).EncryptCbc(plaintext, iv), ciphertext);
        var decrypted = new byte[ciphertext.Length];
        var length = Aes256CbcCipher.Decrypt(key, iv, ciphertext, decrypted);
        Assert.Equal(plaintext, decrypted[..length]);
    }

    [Fact]
    public void Every_tampered_padding_is_rejected_as_the_bcl_rejects_it()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);
        var bcl = Bcl(key);
        // Encrypt chosen final blocks without padding so every padding byte pattern can be presented.
        for (var padding = 0; padding <= 255; padding++)
        {
            for (var variant = 0; variant < 4; variant++)
            {
                var plain = RandomNumberGenerator.GetBytes(32);
                var fill = Math.Clamp(padding, 1, 16);
                plain.AsSpan(32 - fill).Fill((byte)padding);
                if (variant > 0 && padding is >= 2 and <= 16)
                {
                    plain[32 - 1 - Random.Shared.Next(1, padding)] ^= (byte)variant; // break one inner padding byte
                }
                var ciphertext = bcl.EncryptCbc(plain, iv, PaddingMode.None);
                var bclAccepts = TryBclDecrypt(bcl, ciphertext, iv, out var expected);
                if (bclAccepts)
                {
                    Assert.Equal(expected, Aes256CbcCipher.Decrypt(key, iv, ciphertext));
                }
                else
                {
                    Assert.Throws<CryptoException>(() => Aes256CbcCipher.Decrypt(key, iv, ciphertext));
                }
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(33)]
    public void Partial_block_ciphertext_is_rejected(int length) =>
        Assert.Throws<CryptoException>(() => Aes256CbcCipher.Decrypt(new byte[32], new byte[16], new byte[length]));

    [Theory]
    [InlineData(16, 16)]
    [InlineData(31, 16)]
    [InlineData(32, 15)]
    [InlineData(32, 0)]
    public void Wrong_key_or_iv_length_is_rejected(int keyLength, int ivLength)
    {
        Assert.Throws<CryptoException>(() => Aes256CbcCipher.Encrypt(new byte[keyLength], new byte[ivLength], [1, 2, 3]));
        Assert.Throws<CryptoException>(() => Aes256CbcCipher.Decrypt(new byte[keyLength], new byte[ivLength], new byte[16]));
    }

    private static void AssertRoundTripMatchesBcl(byte[] key, byte[] iv, byte[] plaintext)
    {
        var ciphertext = Aes256CbcCipher.Encrypt(key, iv, plaintext);
        Assert.Equal(Bcl(key).EncryptCbc(plaintext, iv), ciphertext);
        Assert.Equal(plaintext, Aes256CbcCipher.Decrypt(key, iv, ciphertext));
    }

    private static bool TryBclDecrypt(Aes aes, byte[] ciphertext, byte[] iv, out byte[] plaintext)
    {
        try
        {
            plaintext = aes.DecryptCbc(ciphertext, iv);
            return true;
        }
        catch (CryptographicException)
        {
            plaintext = [];
            return false;
        }
    }

    private static Aes Bcl(byte[] key)
    {
        var aes = Aes.Create();
        aes.Key = key;
        return aes;
    }
}

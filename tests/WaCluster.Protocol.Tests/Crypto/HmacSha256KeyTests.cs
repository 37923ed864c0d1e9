using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;

namespace WaCluster.Protocol.Tests.Crypto;

[Trait("Proof", "wire-crypto")]
public sealed class HmacSha256KeyTests
{
    private static readonly int[] EdgeLengths = [0, 1, 31, 32, 55, 56, 63, 64, 65, 119, 120, 128, 129, 200, 5000];

    [Fact]
    public void Mac_matches_the_bcl_for_edge_key_and_message_lengths()
    {
        foreach (var keyLength in EdgeLengths)
        {
            foreach (var messageLength in EdgeLengths)
            {
                AssertMatchesBcl(RandomNumberGenerator.GetBytes(keyLength), RandomNumberGenerator.GetBytes(messageLength));
            }
        }
    }

    [Fact]
    public void Mac_matches_the_bcl_for_thousands_of_random_keys_and_messages()
    {
        var random = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            var key = new byte[random.Next(0, 150)];
            var message = new byte[random.Next(0, 300)];
            random.NextBytes(key);
            random.NextBytes(message);
            AssertMatchesBcl(key, message);
        }
    }

    [Fact]
    public void One_key_serves_many_messages_and_parts_equal_the_whole()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var hmacKey = HmacSha256Key.Create(key);
        var random = new Random(11);
        for (var i = 0; i < 500; i++)
        {
            var message = new byte[random.Next(0, 260)];
            random.NextBytes(message);
            var cut = random.Next(0, message.Length + 1);
            var hmac = hmacKey.Start();
            hmac.Append(message.AsSpan(0, cut));
            hmac.Append(message.AsSpan(cut));
            var mac = new byte[32];
            hmac.Finish(mac);
            Assert.Equal(HMACSHA256.HashData(key, message), mac);
        }
    }

    [Fact]
    public void Short_mac_buffer_is_rejected() =>
        Assert.Throws<ArgumentException>(() => HmacSha256Key.Create([1, 2, 3]).Compute([4], new byte[16]));

    private static void AssertMatchesBcl(byte[] key, byte[] message)
    {
        var mac = new byte[32];
        HmacSha256Key.Create(key).Compute(message, mac);
        Assert.Equal(HMACSHA256.HashData(key, message), mac);
    }
}

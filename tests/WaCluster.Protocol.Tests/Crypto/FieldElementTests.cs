using System.Numerics;
using WaCluster.Protocol.Crypto;

namespace WaCluster.Protocol.Tests.Crypto;

[Trait("Proof", "wire-crypto")]
public sealed class FieldElementTests
{
    private static readonly BigInteger Prime = BigInteger.Pow(2, 255) - 19;

    public static TheoryData<string> EdgeValues() => new()
    {
        "0", "1", "2", "18", "19", (Prime - 2).ToString(), (Prime - 1).ToString(), Prime.ToString(),
        (Prime + 1).ToString(), (BigInteger.Pow(2, 255) - 1).ToString(), (BigInteger.Pow(2, 254) + 7).ToString(),
    };

    [Theory]
    [MemberData(nameof(EdgeValues))]
    public void Edge_values_convert_like_the_big_integer_formula(string value) =>
        AssertConversionMatchesReference(BigInteger.Parse(value));

    [Fact]
    public void Random_values_convert_like_the_big_integer_formula()
    {
        var random = new Random(20261127);
        var bytes = new byte[32];
        for (var i = 0; i < 5000; i++)
        {
            random.NextBytes(bytes);
            bytes[31] &= 0x7F;
            AssertConversionMatchesReference(new BigInteger(bytes, isUnsigned: true));
        }
    }

    /// <summary>The textbook y = (u - 1) / (u + 1) mod p with BigInteger, which the limb arithmetic must equal.</summary>
    private static void AssertConversionMatchesReference(BigInteger u)
    {
        var encoded = new byte[32];
        u.TryWriteBytes(encoded, out _, isUnsigned: true);
        var reduced = u % Prime;
        var denominator = (reduced + 1) % Prime;
        var converted = new byte[32];
        var ok = Curve25519.MontgomeryToEdwards(encoded, converted);
        if (denominator.IsZero)
        {
            Assert.False(ok);
            return;
        }
        Assert.True(ok);
        var expected = (reduced - 1 + Prime) * BigInteger.ModPow(denominator, Prime - 2, Prime) % Prime;
        Assert.Equal(expected, new BigInteger(converted, isUnsigned: true));
    }
}

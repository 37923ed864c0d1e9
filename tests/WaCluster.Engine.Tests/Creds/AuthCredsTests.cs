using WaCluster.Core.Creds;
using WaCluster.Protocol.Crypto;

namespace WaCluster.Engine.Tests.Creds;

public sealed class AuthCredsTests
{
    [Fact]
    public void New_creds_hold_valid_keys_and_a_signed_pre_key_over_the_prefixed_public_key()
    {
        var creds = AuthCreds.CreateNew();
        Assert.Equal(creds.NoiseKey.PublicKey, Curve25519.PublicKeyOf(creds.NoiseKey.PrivateKey));
        Assert.Equal(creds.SignedIdentityKey.PublicKey, Curve25519.PublicKeyOf(creds.SignedIdentityKey.PrivateKey));
        Assert.True(Curve25519.Verify(creds.SignedIdentityKey.PublicKey, creds.SignedPreKey.PrefixedPublicKey, creds.SignedPreKey.Signature));
        Assert.Equal(1u, creds.SignedPreKey.Id);
        Assert.InRange(creds.RegistrationId, 0u, 0x3FFFu);
        Assert.Equal(32, creds.AdvSecretKey.Length);
        Assert.False(creds.IsPaired);
        Assert.NotEqual(creds.AdvSecretKey, AuthCreds.CreateNew().AdvSecretKey);
    }

    [Fact]
    public void Round_trip_keeps_every_field()
    {
        var creds = AuthCreds.CreateNew() with
        {
            Me = new Contact("15550001111:7@s.whatsapp.net", "99887766:7@lid", "Shop"),
            Account = [1, 2, 3],
            Platform = "android",
            NextPreKeyId = 813,
            FirstUnuploadedPreKeyId = 813,
            Registered = true,
            RoutingInfo = [9, 8, 7],
        };
        var back = AuthCreds.Parse(creds.ToByteArray());
        Assert.Equal(creds.ToByteArray(), back.ToByteArray());
        Assert.Equal(creds.Me, back.Me);
        Assert.Equal(creds.NoiseKey.PrivateKey, back.NoiseKey.PrivateKey);
        Assert.Equal(creds.SignedIdentityKey.PrivateKey, back.SignedIdentityKey.PrivateKey);
        Assert.Equal(creds.SignedPreKey.KeyPair.PrivateKey, back.SignedPreKey.KeyPair.PrivateKey);
        Assert.Equal(creds.SignedPreKey.Signature, back.SignedPreKey.Signature);
        Assert.Equal(creds.AdvSecretKey, back.AdvSecretKey);
        Assert.Equal(creds.RoutingInfo, back.RoutingInfo);
        Assert.Equal((813u, 813u, true, "android"), (back.NextPreKeyId, back.FirstUnuploadedPreKeyId, back.Registered, back.Platform));
        Assert.True(back.IsPaired);
        var fresh = AuthCreds.Parse(AuthCreds.CreateNew().ToByteArray());
        Assert.Null(fresh.Me);
        Assert.Null(fresh.Account);
        Assert.Null(fresh.RoutingInfo);
    }

    [Fact]
    public void ToString_shows_no_secret()
    {
        var creds = AuthCreds.CreateNew() with { Me = new Contact("1@s.whatsapp.net") };
        var text = creds.ToString();
        foreach (var secret in new[] { creds.NoiseKey.PrivateKey, creds.SignedIdentityKey.PrivateKey, creds.SignedPreKey.KeyPair.PrivateKey,
                     creds.PairingEphemeralKey.PrivateKey, creds.AdvSecretKey })
        {
            Assert.DoesNotContain(Convert.ToHexString(secret), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(secret), text, StringComparison.Ordinal);
        }
        Assert.Contains("1@s.whatsapp.net", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_and_random_bytes_parse_or_fail_typed()
    {
        var bytes = AuthCreds.CreateNew().ToByteArray();
        var refused = 0;
        for (var length = 0; length < bytes.Length; length++)
        {
            // A prefix that ends after the keys is a record whose optional tail is absent; anything shorter is refused.
            refused += ParsesOrFailsTyped(bytes.AsSpan(0, length)) ? 0 : 1;
        }
        Assert.True(refused > bytes.Length / 2, $"only {refused} of {bytes.Length} prefixes refused");
        Assert.Throws<CredsFormatException>(() => AuthCreds.Parse([]));
        var random = new Random(11);
        for (var i = 0; i < 3000; i++)
        {
            var noise = new byte[random.Next(0, 300)];
            random.NextBytes(noise);
            Assert.Throws<CredsFormatException>(() => AuthCreds.Parse(noise));
        }
    }

    private static bool ParsesOrFailsTyped(ReadOnlySpan<byte> bytes)
    {
        try
        {
            AuthCreds.Parse(bytes);
            return true;
        }
        catch (CredsFormatException)
        {
            return false;
        }
    }
}

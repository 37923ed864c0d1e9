using WaCluster.Protocol.Crypto;
using WaCluster.Signal.Keys;

namespace WaCluster.Signal.Tests.Keys;

public sealed class KeyHelperTests
{
    [Fact]
    public void Signed_pre_keys_are_signed_over_the_prefixed_key_by_the_identity()
    {
        var identity = KeyHelper.GenerateIdentityKeyPair();
        var signed = KeyHelper.GenerateSignedPreKey(identity, 42);
        Assert.Equal(42u, signed.Id);
        Assert.True(Curve25519.Verify(identity.PublicKey.Serialize(), signed.PrefixedPublicKey, signed.Signature));
        Assert.False(Curve25519.Verify(identity.PublicKey.Serialize(), signed.KeyPair.PublicKey, signed.Signature));
        var copy = SignedPreKeyRecord.Parse(signed.ToByteArray());
        Assert.Equal(signed.Signature, copy.Signature);
        Assert.Equal(signed.KeyPair.PrivateKey, copy.KeyPair.PrivateKey);
        Assert.Equal(signed.Timestamp.ToUnixTimeMilliseconds(), copy.Timestamp.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Pre_key_ids_are_consecutive_and_wrap_below_two_to_the_24()
    {
        var keys = KeyHelper.GeneratePreKeys(KeyHelper.MaxPreKeyId - 1, 4);
        Assert.Equal([KeyHelper.MaxPreKeyId - 1, KeyHelper.MaxPreKeyId, 1u, 2u], keys.Select(k => k.Id));
        Assert.Equal(4, keys.Select(k => Convert.ToHexString(k.KeyPair.PublicKey)).Distinct().Count());
        var copy = PreKeyRecord.Parse(keys[2].ToByteArray());
        Assert.Equal(keys[2].KeyPair.PrivateKey, copy.KeyPair.PrivateKey);
        Assert.Equal(keys[2].PrefixedPublicKey, copy.PrefixedPublicKey);
    }

    [Fact]
    public void Registration_ids_are_fourteen_bits_and_private_keys_never_print()
    {
        var ids = Enumerable.Range(0, 2000).Select(_ => KeyHelper.GenerateRegistrationId()).ToArray();
        Assert.All(ids, id => Assert.True(id <= KeyHelper.RegistrationIdMask));
        Assert.True(ids.Distinct().Count() > 1000);
        var identity = KeyHelper.GenerateIdentityKeyPair();
        Assert.DoesNotContain(Convert.ToHexString(identity.PrivateKey), identity.ToString());
        var preKey = KeyHelper.GeneratePreKeys(1, 1)[0];
        Assert.DoesNotContain(Convert.ToHexString(preKey.KeyPair.PrivateKey), preKey.ToString());
    }
}

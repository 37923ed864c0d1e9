using WaCluster.Core.Iq;
using WaCluster.Core;
using WaCluster.Core.Creds;
using WaCluster.Core.Keys;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;

namespace WaCluster.Engine.Tests.Keys;

public sealed class PreKeyUploadTests
{
    [Theory]
    [InlineData(0, 812)]
    [InlineData(1, 5)]
    [InlineData(5, 5)]
    [InlineData(6, 0)]
    [InlineData(812, 0)]
    public void Uploads_all_at_first_and_tops_up_at_or_below_the_minimum(int serverCount, int expected) =>
        Assert.Equal(expected, PreKeyUpload.CountToUpload(serverCount, new EngineOptions().InitialPreKeyCount, new EngineOptions().MinPreKeyCount));

    [Fact]
    public void Upload_node_carries_consecutive_keys_and_the_signed_pre_key_in_the_wire_layout()
    {
        var creds = AuthCreds.CreateNew() with { NextPreKeyId = 0xFFFFFE, FirstUnuploadedPreKeyId = 0xFFFFFE };
        var batch = PreKeyUpload.Prepare(creds, 4);
        Assert.Equal([0xFFFFFEu, 0xFFFFFFu, 1u, 2u], batch.PreKeys.Select(k => k.Id));
        Assert.Equal((3u, 3u), (batch.Creds.NextPreKeyId, batch.Creds.FirstUnuploadedPreKeyId));

        // Re-encode and decode so the check reads what goes on the wire.
        var iq = BinaryDecoder.Decode(BinaryEncoder.Encode(new PreKeyUploadSpec(batch.Creds, batch.PreKeys).Build("up-1")));
        Assert.Equal(("up-1", "encrypt", "set", "@s.whatsapp.net"), (iq["id"], iq["xmlns"], iq["type"], iq["to"]));
        Assert.Equal(["registration", "type", "identity", "list", "skey"], iq.Children.AsSpan().ToArray().Select(c => c.Tag));
        var registration = iq.RequireChild("registration").Bytes.ToArray();
        Assert.Equal(creds.RegistrationId, (uint)(registration[0] << 24 | registration[1] << 16 | registration[2] << 8 | registration[3]));
        Assert.Equal([Curve25519.DjbKeyType], iq.RequireChild("type").Bytes.ToArray());
        Assert.Equal(creds.SignedIdentityKey.PublicKey, iq.RequireChild("identity").Bytes.ToArray());
        var keys = iq.RequireChild("list").GetChildren("key").ToArray();
        Assert.Equal(4, keys.Length);
        Assert.Equal([0xFF, 0xFF, 0xFE], keys[0].RequireChild("id").Bytes.ToArray());
        Assert.Equal([0x00, 0x00, 0x02], keys[3].RequireChild("id").Bytes.ToArray());
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(batch.PreKeys[i].KeyPair.PublicKey, keys[i].RequireChild("value").Bytes.ToArray());
        }
        var skey = iq.RequireChild("skey");
        Assert.Equal([0, 0, 1], skey.RequireChild("id").Bytes.ToArray());
        Assert.True(Curve25519.Verify(creds.SignedIdentityKey.PublicKey, Curve25519.Prefixed(skey.RequireChild("value").Bytes.Span),
            skey.RequireChild("signature").Bytes.Span));
    }

    [Fact]
    public void Count_response_is_parsed_or_refused_with_a_typed_error()
    {
        Assert.Equal(42, PreKeyUpload.ParseCount(new BinaryNode("iq", [], [new BinaryNode("count", [("value", "42")])])));
        Assert.Throws<EngineException>(() => PreKeyUpload.ParseCount(new BinaryNode("iq")));
        Assert.Throws<EngineException>(() => PreKeyUpload.ParseCount(new BinaryNode("iq", [], [new BinaryNode("count", [("value", "-1")])])));
        Assert.Throws<EngineException>(() => PreKeyUpload.ParseCount(new BinaryNode("iq", [], [new BinaryNode("count", [("value", "x")])])));
    }
}

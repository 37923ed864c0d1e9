using System.Buffers.Binary;
using WaCluster.Core.Creds;
using WaCluster.Core.Iq;
using WaCluster.Core.Keys;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.Iq;

/// <summary>Our pre-key upload against Baileys' getNextPreKeysNode (Utils/signal.js) for the same creds and pre-keys.</summary>
[Trait("Proof", "iq-specs")]
public sealed class PreKeyUploadSpecTests(BaileysIqPeer peer) : IClassFixture<BaileysIqPeer>
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(30, 5)]
    [InlineData(16_777_000, 20)] // ids near the 3-byte limit
    public async Task The_request_equals_the_node_Baileys_builds(int nextPreKeyId, int count)
    {
        var creds = AuthCreds.CreateNew() with { NextPreKeyId = (uint)nextPreKeyId };
        var batch = PreKeyUpload.Prepare(creds, count);
        var ours = new PreKeyUploadSpec(batch.Creds, batch.PreKeys).Build("up-1");
        var theirs = IqWire.Decode(await peer.Node.CallAsync<string>("iq.preKeyUploadNode", new
        {
            id = "up-1",
            registrationId = creds.RegistrationId,
            identityKey = Convert.ToBase64String(creds.SignedIdentityKey.PublicKey),
            signedPreKey = new
            {
                id = creds.SignedPreKey.Id,
                publicKey = Convert.ToBase64String(creds.SignedPreKey.KeyPair.PublicKey),
                signature = Convert.ToBase64String(creds.SignedPreKey.Signature),
            },
            preKeys = batch.PreKeys.Select(k => new
            {
                id = k.Id,
                publicKey = Convert.ToBase64String(k.KeyPair.PublicKey),
                privateKey = Convert.ToBase64String(k.KeyPair.PrivateKey),
            }),
        }));
        Assert.Equal(count, theirs.RequireChild("list").Children.Count);
        Assert.Equal(IqWire.Canonical(theirs), IqWire.Canonical(ours));
    }
}

/// <summary>
/// Key bundle answers read by our spec and by Baileys' parseAndInjectE2ESessions (Utils/signal.js) with a repository
/// that records what it would inject. The request is compared with a whole client's in <see cref="BaileysClientIqRequestTests"/>.
/// </summary>
[Trait("Proof", "iq-specs")]
public sealed class KeyBundleFetchSpecTests(BaileysIqPeer peer) : IClassFixture<BaileysIqPeer>
{
    private static readonly Jid Alice = Jid.Parse("15550001:3@s.whatsapp.net");
    private static readonly Jid BobPhone = Jid.Parse("15550002@s.whatsapp.net");

    [Fact]
    public async Task Bundles_with_and_without_a_one_time_pre_key_read_as_Baileys_reads_them()
    {
        var answer = Answer(UserEntry(Alice, withPreKey: true, registrationId: 0x01020304, signedId: 0xABCDEF, preKeyId: 7),
            UserEntry(BobPhone, withPreKey: false, registrationId: 42, signedId: 1, preKeyId: 0));
        var ours = new KeyBundleFetchSpec([Alice, BobPhone]).Parse(answer);
        var theirs = await peer.Node.CallAsync<InjectedSessions>("iq.parseKeyBundles", new { answer = IqWire.Encode(answer) });
        Assert.Null(theirs.Error);
        Assert.Equal(2, theirs.Sessions!.Length);
        Assert.Equal(theirs.Sessions.Select(s => Jid.Parse(s.Jid)).OrderBy(j => j.ToString()), ours.Keys.OrderBy(j => j.ToString()));
        foreach (var session in theirs.Sessions)
        {
            var bundle = ours[Jid.Parse(session.Jid)];
            Assert.Equal(session.RegistrationId, bundle.RegistrationId);
            Assert.Equal(Convert.FromBase64String(session.IdentityKey), bundle.IdentityKey.Serialize());
            Assert.Equal(session.SignedPreKey.KeyId, bundle.SignedPreKeyId);
            Assert.Equal(Convert.FromBase64String(session.SignedPreKey.PublicKey), Prefixed(bundle.SignedPreKeyPublic));
            Assert.Equal(Convert.FromBase64String(session.SignedPreKey.Signature!), bundle.SignedPreKeySignature);
            Assert.Equal(session.PreKey?.KeyId, bundle.PreKeyId);
            Assert.Equal(session.PreKey is null ? null : Convert.FromBase64String(session.PreKey.PublicKey), bundle.PreKeyPublic is null ? null : Prefixed(bundle.PreKeyPublic));
        }
    }

    [Fact]
    public async Task A_device_the_server_answers_with_an_error_is_left_out_where_Baileys_rejects_the_whole_answer()
    {
        var answer = Answer(UserEntry(Alice, withPreKey: true, registrationId: 5, signedId: 2, preKeyId: 3),
            new BinaryNode("user", [("jid", BobPhone.ToString())], [new BinaryNode("error", [("code", "404"), ("text", "item-not-found")])]));
        var theirs = await peer.Node.CallAsync<InjectedSessions>("iq.parseKeyBundles", new { answer = IqWire.Encode(answer) });
        Assert.Contains("item-not-found", theirs.Error, StringComparison.Ordinal);
        Assert.Equal(0, theirs.Injected); // Baileys injects nothing at all
        // Ours keeps the usable bundle: one device without keys must not cost the others their session.
        Assert.Equal([Alice], new KeyBundleFetchSpec([Alice, BobPhone]).Parse(answer).Keys);
    }

    private static byte[] Prefixed(byte[] raw) => [Curve25519.DjbKeyType, .. raw];

    private static BinaryNode Answer(params BinaryNode[] users) =>
        new("iq", [("id", "k-1"), ("type", "result"), ("from", "s.whatsapp.net")], [new BinaryNode("list", [], users)]);

    // A user entry as the server lists it: registration, key type, identity, signed pre-key and maybe a one-time key.
    private static BinaryNode UserEntry(Jid jid, bool withPreKey, uint registrationId, uint signedId, uint preKeyId)
    {
        var signed = Curve25519.GenerateKeyPair();
        var identity = Curve25519.GenerateKeyPair();
        var registration = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registration, registrationId);
        List<BinaryNode> children =
        [
            new("registration", [], (ReadOnlyMemory<byte>)registration),
            new("type", [], (ReadOnlyMemory<byte>)new[] { Curve25519.DjbKeyType }),
            new("identity", [], (ReadOnlyMemory<byte>)identity.PublicKey),
            new("skey", [],
            [
                new BinaryNode("id", [], (ReadOnlyMemory<byte>)UInt24(signedId)),
                new BinaryNode("value", [], (ReadOnlyMemory<byte>)signed.PublicKey),
                new BinaryNode("signature", [], (ReadOnlyMemory<byte>)Curve25519.Sign(identity.PrivateKey, signed.PrefixedPublicKey)),
            ]),
        ];
        if (withPreKey)
        {
            children.Add(new BinaryNode("key", [],
            [
                new BinaryNode("id", [], (ReadOnlyMemory<byte>)UInt24(preKeyId)),
                new BinaryNode("value", [], (ReadOnlyMemory<byte>)Curve25519.GenerateKeyPair().PublicKey),
            ]));
        }
        return new BinaryNode("user", [("jid", jid.ToString())], children.ToArray());
    }

    private static byte[] UInt24(uint value) => [(byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private sealed record InjectedSessions(string? Error, int Injected, Session[]? Sessions);

    private sealed record Session(string Jid, uint RegistrationId, string IdentityKey, Key SignedPreKey, Key? PreKey);

    private sealed record Key(uint KeyId, string PublicKey, string? Signature);
}

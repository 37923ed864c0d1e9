using Google.Protobuf;
using WaCluster.Core.Creds;
using WaCluster.Core.Pairing;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Proto;
using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.Pairing;

/// <summary>
/// pair-success stanzas built from the protocol facts (<see cref="FakePhone"/>): accepted when genuine, refused when
/// tampered, and handled the same way by Baileys' configureSuccessfulPairing.
/// </summary>
public sealed class PairSuccessTests : IAsyncLifetime
{
    private NodeHarness _node = null!;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Genuine_pair_success_is_accepted_like_Baileys_and_our_device_signature_verifies_there(bool hosted)
    {
        var creds = AuthCreds.CreateNew();
        var phone = new FakePhone();
        var stanza = phone.PairSuccess(creds, hosted: hosted, keyIndex: 9);

        var outcome = PairSuccess.Process(stanza, creds);
        var baileys = await BaileysAsync(stanza, creds);

        Assert.Null(baileys.Error);
        Assert.Equal(baileys.Jid, outcome.Creds.Me!.Id);
        Assert.Equal(baileys.Lid, outcome.Creds.Me.Lid);
        Assert.Equal(baileys.Name, outcome.Creds.Me.Name);
        Assert.Equal(baileys.Platform, outcome.Creds.Platform);

        var theirReply = BinaryDecoder.Decode(Convert.FromBase64String(baileys.Reply!));
        Assert.Equal(theirReply.Tag, outcome.Reply.Tag);
        Assert.Equal(theirReply.Attributes.AsSpan().ToArray(), outcome.Reply.Attributes.AsSpan().ToArray());
        var theirIdentity = theirReply.RequireChild("pair-device-sign").RequireChild("device-identity");
        var ourIdentity = outcome.Reply.RequireChild("pair-device-sign").RequireChild("device-identity");
        Assert.Equal("9", ourIdentity.GetAttribute("key-index"));
        Assert.Equal(theirIdentity.Attributes.AsSpan().ToArray(), ourIdentity.Attributes.AsSpan().ToArray());

        // Device signatures are randomized, so compare everything else and check ours verifies in Baileys.
        var theirs = ADVSignedDeviceIdentity.Parser.ParseFrom(theirIdentity.Bytes.Span);
        var ours = ADVSignedDeviceIdentity.Parser.ParseFrom(ourIdentity.Bytes.Span);
        Assert.False(ours.HasAccountSignatureKey);
        Assert.Equal(theirs.HasAccountSignatureKey, ours.HasAccountSignatureKey);
        Assert.Equal(theirs.Details, ours.Details);
        Assert.Equal(theirs.AccountSignature, ours.AccountSignature);
        byte[] deviceMessage = [6, 1, .. ours.Details.Span, .. creds.SignedIdentityKey.PublicKey, .. phone.AccountKey.PublicKey];
        Assert.True(await _node.CallAsync<bool>("engine.verify", new
        {
            publicKey = Convert.ToBase64String(creds.SignedIdentityKey.PublicKey),
            message = Convert.ToBase64String(deviceMessage),
            signature = Convert.ToBase64String(ours.DeviceSignature.ToByteArray()),
        }));

        // The stored account keeps the signature key and our device signature.
        var stored = ADVSignedDeviceIdentity.Parser.ParseFrom(outcome.Creds.Account);
        Assert.Equal(phone.AccountKey.PublicKey, stored.AccountSignatureKey.ToByteArray());
        Assert.Equal(ours.DeviceSignature, stored.DeviceSignature);
    }

    [Fact]
    public async Task Tampered_hmac_is_refused_here_and_in_Baileys()
    {
        var creds = AuthCreds.CreateNew();
        var stanza = new FakePhone().PairSuccess(creds, tamperWrapper: w => w.Hmac = Flip(w.Hmac));
        Assert.Equal(PairingError.BadHmac, Assert.Throws<PairingException>(() => PairSuccess.Process(stanza, creds)).Error);
        Assert.NotNull((await BaileysAsync(stanza, creds)).Error);
    }

    [Fact]
    public async Task Pair_success_for_another_qr_is_refused()
    {
        var creds = AuthCreds.CreateNew();
        var stanza = new FakePhone().PairSuccess(AuthCreds.CreateNew());
        Assert.Equal(PairingError.BadHmac, Assert.Throws<PairingException>(() => PairSuccess.Process(stanza, creds)).Error);
        Assert.NotNull((await BaileysAsync(stanza, creds)).Error);
    }

    [Theory]
    [InlineData("signature")]
    [InlineData("details")]
    [InlineData("key")]
    public async Task Tampered_account_signature_is_refused_here_and_in_Baileys(string part)
    {
        var creds = AuthCreds.CreateNew();
        var stanza = new FakePhone().PairSuccess(creds, tamperAccount: account =>
        {
            switch (part)
            {
                case "signature": account.AccountSignature = Flip(account.AccountSignature); break;
                case "details": account.Details = ByteString.CopyFrom([.. account.Details.Span, 0x28, 0x01]); break;
                default: account.AccountSignatureKey = ByteString.CopyFrom(Curve25519.GenerateKeyPair().PublicKey); break;
            }
        });
        Assert.Equal(PairingError.BadAccountSignature, Assert.Throws<PairingException>(() => PairSuccess.Process(stanza, creds)).Error);

        // libsignal confirms the tampered statement does not verify (Baileys itself would accept it: its
        // Curve.verify ignores libsignal's verdict, so it is no oracle here).
        var wrapper = ADVSignedDeviceIdentityHMAC.Parser.ParseFrom(stanza.RequireChild("pair-success").RequireChild("device-identity").Bytes.Span);
        var account = ADVSignedDeviceIdentity.Parser.ParseFrom(wrapper.Details);
        Assert.False(await _node.CallAsync<bool>("engine.verify", new
        {
            publicKey = Convert.ToBase64String(account.AccountSignatureKey.ToByteArray()),
            message = Convert.ToBase64String((byte[])[6, 0, .. account.Details.Span, .. creds.SignedIdentityKey.PublicKey]),
            signature = Convert.ToBase64String(account.AccountSignature.ToByteArray()),
        }));
    }

    [Fact]
    public void Signature_of_the_wrong_identity_is_refused()
    {
        var creds = AuthCreds.CreateNew();
        var other = creds with { SignedIdentityKey = AuthCreds.CreateNew().SignedIdentityKey };
        // HMAC is right (same adv secret) but the phone signed another identity key.
        var stanza = new FakePhone().PairSuccess(other);
        Assert.Equal(PairingError.BadAccountSignature, Assert.Throws<PairingException>(() => PairSuccess.Process(stanza, creds)).Error);
    }

    [Fact]
    public void Malformed_stanzas_are_typed_errors()
    {
        var creds = AuthCreds.CreateNew();
        var genuine = new FakePhone().PairSuccess(creds);
        var identity = genuine.RequireChild("pair-success").RequireChild("device-identity");
        BinaryNode[] bad =
        [
            new("iq", [("id", "1")]),
            new("iq", [("id", "1")], [new BinaryNode("pair-success", [], [new BinaryNode("device", [("jid", "1@s.whatsapp.net")])])]),
            new("iq", [("id", "1")], [new BinaryNode("pair-success", [], [identity])]),
            new("iq", [("id", "1")], [new BinaryNode("pair-success", [], [identity, new BinaryNode("device", [("jid", "not a jid")])])]),
            new("iq", [("id", "1")], [new BinaryNode("pair-success", [], [identity, new BinaryNode("device", [("jid", "1@g.us")])])]),
            new("iq", [("id", "1")], [new BinaryNode("pair-success", [],
                [new BinaryNode("device-identity", [], (ReadOnlyMemory<byte>)new byte[] { 0x0A, 0xFF, 0x01 }), new BinaryNode("device", [("jid", "1@s.whatsapp.net")])])]),
            new("iq", [], genuine.RequireChild("pair-success").Children.AsSpan()),
        ];
        foreach (var stanza in bad)
        {
            Assert.Equal(PairingError.Malformed, Assert.Throws<PairingException>(() => PairSuccess.Process(stanza, creds)).Error);
        }
    }

    [Fact]
    public void Random_device_identity_bytes_never_escape_as_untyped_errors()
    {
        var creds = AuthCreds.CreateNew();
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            var stanza = new BinaryNode("iq", [("id", "x")], [new BinaryNode("pair-success", [],
                [new BinaryNode("device-identity", [], (ReadOnlyMemory<byte>)bytes), new BinaryNode("device", [("jid", "1@s.whatsapp.net")])])]);
            Assert.Throws<PairingException>(() => PairSuccess.Process(stanza, creds));
        }
    }

    private async Task<BaileysPairing> BaileysAsync(BinaryNode stanza, AuthCreds creds) =>
        await _node.CallAsync<BaileysPairing>("engine.pairSuccess", new
        {
            stanza = Convert.ToBase64String(BinaryEncoder.Encode(stanza)),
            advSecretKey = Convert.ToBase64String(creds.AdvSecretKey),
            identityPublic = Convert.ToBase64String(creds.SignedIdentityKey.PublicKey),
            identityPrivate = Convert.ToBase64String(creds.SignedIdentityKey.PrivateKey),
        });

    private static ByteString Flip(ByteString value)
    {
        var bytes = value.ToByteArray();
        bytes[^1] ^= 0x01;
        return ByteString.CopyFrom(bytes);
    }

    private sealed record BaileysPairing(string? Reply, string? Jid, string? Lid, string? Name, string? Platform, string? Error);
}

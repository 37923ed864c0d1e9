using WaCluster.Core.Pairing;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Jids;
using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.Pairing;

/// <summary>Pairing-code pieces against Baileys: the code alphabet and key wrapping.</summary>
public sealed class PairingCodeTests : IAsyncLifetime
{
    private NodeHarness _node = null!;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Codes_spell_random_bytes_like_Baileys()
    {
        var random = new Random(17);
        var inputs = Enumerable.Range(0, 300).Select(_ => { var b = new byte[5]; random.NextBytes(b); return b; }).ToList();
        inputs.Add([0, 0, 0, 0, 0]);
        inputs.Add([0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        var theirs = await _node.CallAsync<string[]>("engine.crockford", new { items = inputs.Select(Convert.ToBase64String) });
        for (var i = 0; i < inputs.Count; i++)
        {
            Assert.Equal(theirs[i], PairingCode.FromBytes(inputs[i]));
        }
        var generated = PairingCode.Generate();
        PairingCode.Validate(generated);
        Assert.Equal(PairingCode.Length, generated.Length);
    }

    [Fact]
    public async Task Baileys_unwraps_our_wrapped_ephemeral_with_the_code()
    {
        var code = PairingCode.Generate();
        var ephemeral = Curve25519.GenerateKeyPair();
        var wrapped = PairingCode.Wrap(code, ephemeral.PublicKey);
        Assert.Equal(80, wrapped.Length);
        var unwrapped = await _node.CallAsync<string>("engine.unwrapCode", new { code, wrapped = Convert.ToBase64String(wrapped) });
        Assert.Equal(ephemeral.PublicKey, Convert.FromBase64String(unwrapped));
        Assert.Equal(ephemeral.PublicKey, PairingCode.Unwrap(code, wrapped));
        Assert.NotEqual(ephemeral.PublicKey, PairingCode.Unwrap(code == "11111111" ? "22222222" : "11111111", wrapped));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234567")]
    [InlineData("123456789")]
    [InlineData("0OIU0OIU")]
    [InlineData("abcdefgh")]
    public void Invalid_codes_are_refused(string code) =>
        Assert.Equal(PairingError.Malformed, Assert.Throws<PairingException>(() => PairingCode.Validate(code)).Error);

    [Fact]
    public void Short_or_incomplete_primary_hello_is_a_typed_error()
    {
        var pair = Curve25519.GenerateKeyPair();
        var phone = new Jid("15550001", JidServer.User);
        Assert.Throws<PairingException>(() => PairingCode.Unwrap("ABCDEFGH", new byte[79]));
        Assert.Throws<PairingException>(() => PairingCode.CompanionFinish(new BinaryNode("notification"), "ABCDEFGH", pair, pair, phone));
        var missingIdentity = new BinaryNode("notification", [], [new BinaryNode("link_code_companion_reg", [],
            [new BinaryNode("link_code_pairing_ref", [], "r"), new BinaryNode("link_code_pairing_wrapped_primary_ephemeral_pub", [], (ReadOnlyMemory<byte>)new byte[80])])]);
        Assert.Throws<PairingException>(() => PairingCode.CompanionFinish(missingIdentity, "ABCDEFGH", pair, pair, phone));
    }
}

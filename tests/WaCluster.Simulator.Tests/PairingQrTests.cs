using WaCluster.Simulator.Pairing;

namespace WaCluster.Simulator.Tests;

/// <summary>QR text forms the phone accepts, and the ones it refuses with a typed error.</summary>
public sealed class PairingQrTests
{
    private static readonly byte[] Noise = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Identity = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Adv = Enumerable.Range(201, 32).Select(i => (byte)i).ToArray();
    private static readonly string Fields = $"2@ref+/=,{Convert.ToBase64String(Noise)},{Convert.ToBase64String(Identity)},{Convert.ToBase64String(Adv)}";

    [Fact]
    public void Baileys_7_link_form_and_the_bare_list_parse_to_the_same_fields()
    {
        var link = PairingQr.Parse("https://wa.me/settings/linked_devices#" + Fields + ",1");
        var bare = PairingQr.Parse(Fields);
        Assert.Equal("2@ref+/=", link.Ref);
        Assert.Equal(Noise, link.NoiseKey);
        Assert.Equal(Identity, link.IdentityKey);
        Assert.Equal(Adv, link.AdvSecret);
        Assert.Equal("1", link.PlatformId);
        Assert.Null(bare.PlatformId);
        Assert.Equal(link.Ref, bare.Ref);
        Assert.Equal(link.NoiseKey, bare.NoiseKey);
        Assert.Equal(link.IdentityKey, bare.IdentityKey);
        Assert.Equal(link.AdvSecret, bare.AdvSecret);
    }

    [Theory]
    [InlineData("")]
    [InlineData("just-a-ref")]
    [InlineData(",AAAA,BBBB,CCCC")]
    [InlineData("ref,not base64!,x,y")]
    [InlineData("ref,AAAA,AAAA,AAAA")] // 3-byte keys
    [InlineData("a,b,c,d,e,f")]
    public void Malformed_qr_text_is_a_typed_error(string text)
    {
        Assert.Throws<SimulatorException>(() => PairingQr.Parse(text));
    }

    [Fact]
    public async Task Scanning_a_ref_nobody_waits_with_is_refused()
    {
        var simulator = new WaSimulator();
        await Assert.ThrowsAsync<SimulatorException>(() => simulator.ScanAsync(Fields));
    }
}

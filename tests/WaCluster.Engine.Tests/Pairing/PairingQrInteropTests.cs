using WaCluster.Core.Connection;
using WaCluster.Core.Creds;
using WaCluster.Core.Pairing;
using WaCluster.Engine.Connection;
using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.Pairing;

/// <summary>QR texts against Baileys' buildPairingQRData for the same refs, keys and browsers.</summary>
public sealed class PairingQrInteropTests : IAsyncLifetime
{
    private NodeHarness _node = null!;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Qr_text_equals_Baileys_for_every_browser_kind()
    {
        BrowserDescription[] browsers =
        [
            new("Mac OS", "Chrome", "14.4.1"), new("Windows", "Desktop", "10"), new("Mac OS", "Desktop", "14"),
            new("Ubuntu", "Firefox", "22"), new("Ubuntu", "Edge", "22"), new("Ubuntu", "IE", "22"), new("Ubuntu", "Opera", "22"),
            new("Mac OS", "Safari", "14"), new("Ubuntu", "Brave", "22"), new("Chrome", "Android", ""),
        ];
        var cases = browsers.SelectMany(browser => Enumerable.Range(0, 5).Select(i =>
            (Browser: browser, Creds: AuthCreds.CreateNew(), Ref: $"2@{Guid.NewGuid():N}+/={i}"))).ToArray();
        var theirs = await _node.CallAsync<string[]>("engine.qr", new
        {
            items = cases.Select(c => new
            {
                @ref = c.Ref,
                noise = Convert.ToBase64String(c.Creds.NoiseKey.PublicKey),
                identity = Convert.ToBase64String(c.Creds.SignedIdentityKey.PublicKey),
                adv = Convert.ToBase64String(c.Creds.AdvSecretKey),
                browser = new[] { c.Browser.Os, c.Browser.Name, c.Browser.OsVersion },
            }),
        });
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.Equal(theirs[i], PairingQr.Build(cases[i].Ref, cases[i].Creds, cases[i].Browser));
        }
    }

    [Fact]
    public void Rotation_shows_the_first_ref_longer_then_runs_out()
    {
        var rotation = new QrRotation(["a", "b", "c"], TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(20));
        Assert.True(rotation.TryNext(out var first, out var firstLife));
        Assert.True(rotation.TryNext(out var second, out var secondLife));
        Assert.True(rotation.TryNext(out var third, out var thirdLife));
        Assert.False(rotation.TryNext(out _, out _));
        Assert.Equal(["a", "b", "c"], new[] { first, second, third });
        Assert.Equal([60, 20, 20], new[] { firstLife.TotalSeconds, secondLife.TotalSeconds, thirdLife.TotalSeconds });
    }
}

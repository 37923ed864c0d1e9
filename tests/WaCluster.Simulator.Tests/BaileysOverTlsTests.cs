using System.Net.Http.Json;
using WaCluster.TestSupport;

namespace WaCluster.Simulator.Tests;

/// <summary>With TLS on, the same port serves wss:// to Baileys and https:// to the admin client (certificate pinned).</summary>
[Trait("Proof", "sim-baileys")]
public sealed class BaileysOverTlsTests : IAsyncLifetime
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(40);
    private SimulatorHost _host = null!;
    private NodeHarness _node = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(new SimulatorOptions { UseTls = true });
        _node = await NodeHarness.StartAsync();
        var thumbprint = _host.Certificate.Thumbprint;
        _http = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == thumbprint,
        });
    }

    public async Task DisposeAsync()
    {
        await _node.CallAsync("sim.stopAll", timeout: Slow);
        await _node.DisposeAsync();
        await _host.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task A_client_pairs_and_logs_in_over_wss()
    {
        Assert.Equal("wss", _host.ChatUri.Scheme);
        var start = await _node.CallAsync<StartResult>("sim.start", new
        {
            id = "tls",
            url = _host.ChatUri.ToString(),
            rootKey = Convert.ToBase64String(_host.Simulator.RootPublicKey),
            name = "tls",
        }, Slow);
        using var response = await _http.PostAsync(new Uri(_host.BaseUri, "admin/mock-phone/scan-qr"), new StringContent(start.Qr));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var account = (await response.Content.ReadFromJsonAsync<AccountInfo>())!;
        var open = await _node.CallAsync<OpenResult>("sim.waitOpen", new { id = "tls", opens = 1 }, Slow);
        Assert.Equal(account.DeviceJid, open.Me.Id);
    }

    private sealed record StartResult(string Qr);

    private sealed record OpenResult(Me Me);

    private sealed record Me(string Id);
}

using System.Net.Http.Json;
using WaCluster.TestSupport;

namespace WaCluster.Simulator.Tests;

/// <summary>Unmodified Baileys clients (tests/interop/sim) linked to one simulator by QR through the admin route.</summary>
internal sealed class BaileysPeers(SimulatorHost host, NodeHarness node, HttpClient http)
{
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(40);

    public SimulatorHost Host { get; } = host;

    /// <summary>
    /// Starts a fresh Baileys client named <paramref name="id"/>, scans its QR (with the phone of
    /// <paramref name="phone"/>, linking another device to that account, or of a new account) and waits until it is logged in.
    /// <paramref name="history"/> (<c>new { full }</c>) makes a client that processes its phone's history sync.
    /// </summary>
    public async Task<AccountInfo> PairAsync(string id, string? phone = null, object? history = null)
    {
        var start = await CallAsync<StartResult>("sim.start", new
        {
            id,
            url = Host.ChatUri.ToString(),
            rootKey = Convert.ToBase64String(Host.Simulator.RootPublicKey),
            name = id,
            history,
        });
        Assert.StartsWith("https://wa.me/settings/linked_devices#", start.Qr);
        using var response = await http.PostAsync(new Uri(Host.BaseUri, phone is null ? "admin/mock-phone/scan-qr" : $"admin/mock-phone/scan-qr?phone={phone}"), new StringContent(start.Qr));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var account = (await response.Content.ReadFromJsonAsync<AccountInfo>())!;
        var open = await CallAsync<OpenResult>("sim.waitOpen", new { id, opens = 1 });
        Assert.Equal((account.DeviceJid, account.DeviceLid), (open.Me.Id, open.Me.Lid));
        Assert.Contains(515, open.Closes);
        return account;
    }

    /// <summary>Switches how peers see the account of <paramref name="phone"/>: "lid" or "pn".</summary>
    public async Task SetAddressingAsync(string phone, string mode)
    {
        using var response = await http.PostAsync(new Uri(Host.BaseUri, $"admin/users/addressing?phone={phone}&mode={mode}"), null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<string> SendAsync(string id, string to, string text) =>
        (await CallAsync<string[]>("sim.send", new { id, to, texts = new[] { text } }))[0];

    public Task<Received[]> WaitReceivedAsync(string id, int count) => CallAsync<Received[]>("sim.waitReceived", new { id, count });

    public Task<T> CallAsync<T>(string op, object args) => node.CallAsync<T>(op, args, Slow);

    public Task CallAsync(string op, object args) => node.CallAsync(op, args, Slow);

    private sealed record StartResult(string Qr);

    private sealed record OpenResult(Me Me, int[] Closes);

    private sealed record Me(string Id, string? Lid);
}

/// <summary>A text a Baileys client received: chat, author in groups and statuses, and the sender in the other namespace.</summary>
internal sealed record Received(string Id, string From, string? Participant, string Text, string? Alt);

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using WaCluster.Simulator;

namespace WaCluster.Benchmarks;

/// <summary>
/// The simulator for <c>bench cluster</c>, in a child process (this executable with <c>cluster --simulator</c>) so that
/// its sockets and per-device state stay out of the node's memory figures. Control is its admin HTTP surface.
/// </summary>
internal sealed class ClusterSimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _admin;

    private ClusterSimulatorProcess(Process process, Uri chatUri, Uri baseUri, byte[] rootKey)
    {
        _process = process;
        ChatUri = chatUri;
        RootPublicKey = rootKey;
        _admin = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri ChatUri { get; }

    public byte[] RootPublicKey { get; }

    /// <summary>Child mode: serve until stdin closes, after printing "ready chat-uri base-uri root-key".</summary>
    public static async Task ServeAsync()
    {
        // Accounts ping every 30 s; the default idle cut-off stays, as in production.
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 7 });
        Console.WriteLine($"ready {host.ChatUri} {host.BaseUri} {Convert.ToBase64String(host.Simulator.RootPublicKey)}");
        await Console.Out.FlushAsync();
        // The parent ends the run by closing stdin (or by dying, which closes it too).
        while (await Console.In.ReadLineAsync() is not null)
        {
        }
    }

    public static async Task<ClusterSimulatorProcess> StartAsync()
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        // Under `dotnet <dll>` the process is the muxer: name the assembly too.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(ClusterSimulatorProcess).Assembly.Location);
        start.ArgumentList.Add("cluster");
        start.ArgumentList.Add("--simulator");
        var process = Process.Start(start) ?? throw new InvalidOperationException("simulator did not start");
        var ready = (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)))?.Split(' ');
        if (ready is not ["ready", var chat, var baseUri, var key])
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("simulator did not report ready");
        }
        return new ClusterSimulatorProcess(process, new Uri(chat), new Uri(baseUri), Convert.FromBase64String(key));
    }

    /// <summary>The simulated phone <paramref name="phone"/> scans <paramref name="qr"/>; returns the new account's JID.</summary>
    public async Task<string> ScanAsync(string qr, string phone)
    {
        using var response = await _admin.PostAsync($"admin/mock-phone/scan-qr?phone={phone}", new StringContent(qr));
        response.EnsureSuccessStatusCode();
        var info = await response.Content.ReadFromJsonAsync<JsonElement>();
        return info.GetProperty("jid").GetString() ?? throw new InvalidOperationException("scan returned no jid");
    }

    public async Task<SimulatorCountersSnapshot> CountersAsync() =>
        await _admin.GetFromJsonAsync<SimulatorCountersSnapshot>("admin/counters", new JsonSerializerOptions(JsonSerializerDefaults.Web))
        ?? throw new InvalidOperationException("no counters");

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _process.StandardInput.Close();
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(exit.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}

internal sealed record SimulatorCountersSnapshot(long ConnectionsOpen, long ConnectionsTotal, long Logins, long Conflicts);

using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Node.Hosting;
using WaCluster.Node.Metrics;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Health;

/// <summary>A node (no engine) on SQLite in a temp folder with its metrics and health port, as Program.cs builds one.</summary>
public sealed class HealthNode : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wacluster-health-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private IHost _host = null!;
    private Uri _base = null!;

    public string SqliteFile => Path.Combine(_directory, "journal.db");

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    /// <summary>Starts a node; <paramref name="seedNodes"/> empty = it forms a cluster of its own.</summary>
    public static async Task<HealthNode> StartAsync(params string[] seedNodes)
    {
        var node = new HealthNode();
        Directory.CreateDirectory(node._directory);
        var port = FreePort();
        node._base = new Uri($"http://127.0.0.1:{port}/");
        var options = new WaClusterNodeOptions
        {
            Hostname = "127.0.0.1",
            Port = FreePort(),
            SeedNodes = seedNodes,
            SqliteFile = node.SqliteFile,
            NumberOfShards = 10,
            ExtraHocon = "akka.loglevel = WARNING",
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddWaClusterNode(options);
        builder.Services.AddWaClusterMetrics(new MetricsOptions
        {
            Url = $"http://127.0.0.1:{port}",
            JournalCheckTimeout = TimeSpan.FromSeconds(2),
        }, options);
        node._host = builder.Build();
        await node._host.StartAsync();
        return node;
    }

    public async Task<HealthResponse> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(_base, path));
        var body = await response.Content.ReadAsStringAsync();
        return new HealthResponse(response.StatusCode, JsonDocument.Parse(body).RootElement.Clone(), body);
    }

    /// <summary>Asks <paramref name="path"/> until it answers <paramref name="status"/>, and returns that answer.</summary>
    public Task<HealthResponse> WaitForAsync(string path, HttpStatusCode status, TimeSpan within)
    {
        HealthResponse? last = null;
        return Eventually.FindAsync(async () => (last = await GetAsync(path)).Status == status ? last : null, within,
            () => $"{path} answering {status}; last: {last?.Status} {last?.Body}");
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; the OS cleans the temp folder.
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed record HealthResponse(HttpStatusCode Status, JsonElement Json, string Body)
{
    public string Overall => Json.GetProperty("status").GetString()!;

    public string Check(string name) => Json.GetProperty("checks").GetProperty(name).GetProperty("status").GetString()!;

    public string Description(string name) => Json.GetProperty("checks").GetProperty(name).GetProperty("description").GetString() ?? "";
}

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Client;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Contracts.Proto;
using WaCluster.Node.Hosting;
using WaCluster.Node.Metrics;
using WaCluster.Simulator;
using WaCluster.Cluster.Tests.Streams;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Metrics;

/// <summary>
/// One node with the real engine against the in-process simulator, its <c>/metrics</c> scraped over HTTP before
/// and after two accounts pair and connect, their connections fail and reconnect, and messages flow: each figure
/// moves by exactly what happened. The node reaches the simulator through a relay that can slip bad frames in.
/// </summary>
[Trait("Proof", "metrics")]
public sealed class MetricsScrapeTests : IAsyncLifetime
{
    private const int Messages = 5;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wacluster-metrics-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private SimulatorHost _simulator = null!;
    private WebSocketRelay _relay = null!;
    private IHost _node = null!;
    private Uri _metrics = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 31 });
        _relay = await WebSocketRelay.StartAsync(_simulator.ChatUri);
        var metricsPort = FreePort();
        _metrics = new Uri($"http://127.0.0.1:{metricsPort}/metrics");
        var options = new WaClusterNodeOptions
        {
            Hostname = "127.0.0.1",
            Port = FreePort(),
            SqliteFile = Path.Combine(_directory, "journal.db"),
            NumberOfShards = 10,
            Engine = EngineEndpointOptions.Simulator(_relay.ChatUri, _simulator.Simulator.RootPublicKey),
            ExtraHocon = "akka.loglevel = WARNING\nwacluster.connect-limiter { rate-per-second = 50, burst = 10, jitter = 10ms }",
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddWaClusterNode(options);
        builder.Services.AddWaClusterMetrics(new MetricsOptions { Url = $"http://127.0.0.1:{metricsPort}" }, options);
        _node = builder.Build();
        await _node.StartAsync();
    }

    public async Task DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _node.StopAsync(timeout.Token);
        _node.Dispose();
        await _relay.DisposeAsync();
        await _simulator.DisposeAsync();
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

    [Fact]
    public async Task Counters_move_as_accounts_connect_and_messages_flow()
    {
        var cluster = _node.Services.GetRequiredService<IWhatsAppCluster>();
        using var events = await AccountEventLog.SubscribeAsync(_node.Services.GetRequiredService<ActorSystem>(), cluster);

        var idle = await ScrapeAsync();
        Assert.Equal(0, idle.Value("wacluster_accounts", ("state", "connected")));
        Assert.Equal(0, idle.Value("wacluster_account_connects_total"));
        Assert.Equal(0, idle.Value("wacluster_messages_in_total"));
        Assert.True(idle.Has("wacluster_account_mailbox_messages"), "the mailbox depth gauge is exported");

        await cluster.StartAccountAsync("alice");
        await cluster.StartAccountAsync("bob");
        await _simulator.Simulator.ScanAsync((await events.NextAsync<QrCodeIssued>("alice")).Qr, "15550003001");
        var bob = await _simulator.Simulator.ScanAsync((await events.NextAsync<QrCodeIssued>("bob")).Qr, "15550003002");
        await events.NextAsync<ConnectionChanged>("alice", c => c.Connection == ConnectionState.Connected);
        await events.NextAsync<ConnectionChanged>("bob", c => c.Connection == ConnectionState.Connected);

        var connected = await ScrapeUntilAsync(s => s.Value("wacluster_accounts", ("state", "connected")) == 2);
        Assert.Equal(2, connected.Value("wacluster_accounts"));
        Assert.Equal(2, connected.Value("wacluster_account_connects_total"));
        Assert.Equal(0, connected.Value("wacluster_account_reconnects_total"));

        // A frame that fails Noise authentication reaches both sockets: each connection fails and logs in again.
        var garbage = new byte[3 + 48];
        garbage[2] = 48;
        RandomNumberGenerator.Fill(garbage.AsSpan(3));
        await _relay.InjectAsync(garbage);
        foreach (var account in new[] { "alice", "bob" })
        {
            await events.NextAsync<ConnectionChanged>(account, c => c.Connection != ConnectionState.Connected);
            await events.NextAsync<ConnectionChanged>(account, c => c.Connection == ConnectionState.Connected);
        }
        var reconnected = await ScrapeUntilAsync(s => s.Value("wacluster_account_connects_total") >= 4);
        Assert.Equal(4, reconnected.Value("wacluster_account_connects_total"));
        Assert.Equal(2, reconnected.Value("wacluster_account_reconnects_total"));
        Assert.Equal(2, reconnected.Value("wacluster_accounts", ("state", "connected")));

        var before = await ScrapeAsync();
        for (var i = 0; i < Messages; i++)
        {
            await cluster.SendTextAsync("alice", $"metrics-{i}", bob.Jid, $"message {i}");
            Assert.Equal($"message {i}", (await events.NextAsync<MessageReceived>("bob")).Text);
            Assert.Equal($"metrics-{i}", (await events.NextAsync<SendCompleted>("alice")).MessageId);
        }

        const string ackCount = "wacluster_server_ack_latency_seconds_count";
        var after = await ScrapeUntilAsync(s => s.Value(ackCount) - before.Value(ackCount) >= Messages);
        Assert.Equal(Messages, after.Value(ackCount, ("outcome", "ok")) - before.Value(ackCount, ("outcome", "ok")));
        Assert.Equal(Messages, after.Value("wacluster_messages_in_total", ("account", "bob")) - before.Value("wacluster_messages_in_total", ("account", "bob")));
        Assert.Equal(0, after.Value("wacluster_messages_in_total", ("account", "alice")) - before.Value("wacluster_messages_in_total", ("account", "alice")));
        Assert.Equal(Messages, after.Value("wacluster_messages_out_total", ("account", "alice")) - before.Value("wacluster_messages_out_total", ("account", "alice")));
        Assert.Equal(0, after.Value("wacluster_decrypt_failures_total"));
        // Each message is at least three separate journal writes: alice's intent, bob's receipt of it, alice's completion.
        const string journalCount = "wacluster_journal_write_latency_seconds_count";
        Assert.True(after.Value(journalCount, ("journal", "sql")) - before.Value(journalCount, ("journal", "sql")) >= 3 * Messages,
            $"journal writes: {before.Value(journalCount)} -> {after.Value(journalCount)}");
        Assert.True(after.Value("wacluster_server_ack_latency_seconds_sum") > before.Value("wacluster_server_ack_latency_seconds_sum"));
    }

    private Task<PrometheusScrape> ScrapeAsync() => PrometheusScrape.GetAsync(_http, _metrics);

    // Acks and connection changes reach the instruments asynchronously: scrape until the figure is there.
    private async Task<PrometheusScrape> ScrapeUntilAsync(Func<PrometheusScrape, bool> condition)
    {
        PrometheusScrape? last = null;
        await Eventually.FindAsync(async () => condition(last = await ScrapeAsync()) ? last : null, TimeSpan.FromSeconds(20),
            () => $"the expected figures in the scrape; last:\n{last?.Text}");
        // So that an exact count also proves nothing extra was counted: the account actors, which count (the connection
        // counts an ack before it tells its account), answer a status request only after everything sent to them before.
        var cluster = _node.Services.GetRequiredService<IWhatsAppCluster>();
        await Task.WhenAll(cluster.GetStatusAsync("alice"), cluster.GetStatusAsync("bob"));
        return await ScrapeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

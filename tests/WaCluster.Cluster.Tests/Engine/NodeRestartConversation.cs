using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Client;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Actors.Accounts;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.Node.Hosting;
using WaCluster.Simulator;

namespace WaCluster.Cluster.Tests.Engine;

/// <summary>
/// The real engine inside the cluster: one node on a journal database and an in-process simulator. Two accounts pair
/// by the QR their account actors publish, chat through the facade, then the node's ActorSystem stops and a new one
/// starts on the same database: both accounts log in again from the journal alone (no QR) and keep chatting.
/// Snapshots every few events make recovery go through snapshots, journal pruning and Signal compaction too.
/// </summary>
public abstract class NodeRestartConversation : IAsyncLifetime
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wacluster-engine-" + Guid.NewGuid().ToString("N"));
    private string? _postgres;
    private readonly int _port = FreePort();
    private SimulatorHost _simulator = null!;

    /// <summary>The journal database: null for a SQLite file, else a PostgreSQL connection string.</summary>
    protected abstract Task<string?> PostgresConnectionStringAsync();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 21 });
        _postgres = await PostgresConnectionStringAsync();
    }

    public async Task DisposeAsync()
    {
        await _simulator.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; the OS cleans the temp folder.
        }
    }

    protected async Task Accounts_pair_chat_and_come_back_after_a_node_restart_without_pairing_again()
    {
        var (alice, bob) = ("alice", "bob");
        ScanResult aliceUser, bobUser;

        using (var first = await StartNodeAsync())
        {
            var cluster = first.Services.GetRequiredService<IWhatsAppCluster>();
            var events = await AccountEventLog.SubscribeAsync(first.Services.GetRequiredService<ActorSystem>(), cluster);
            await cluster.StartAccountAsync(alice);
            await cluster.StartAccountAsync(bob);

            aliceUser = new(await _simulator.Simulator.ScanAsync((await events.NextAsync<QrCodeIssued>(alice)).Qr, "15550002001").WaitAsync(Slow));
            bobUser = new(await _simulator.Simulator.ScanAsync((await events.NextAsync<QrCodeIssued>(bob)).Qr, "15550002002").WaitAsync(Slow));
            await events.NextAsync<ConnectionChanged>(alice, c => c.Connection == ConnectionState.Connected);
            await events.NextAsync<ConnectionChanged>(bob, c => c.Connection == ConnectionState.Connected);

            await cluster.SendTextAsync(alice, "first-1", bobUser.Info.Jid, "hello bob");
            var received = await events.NextAsync<MessageReceived>(bob);
            Assert.Equal("hello bob", received.Text);
            Assert.StartsWith(aliceUser.Info.Phone, received.ChatJid, StringComparison.Ordinal);
            Assert.Equal("first-1", (await events.NextAsync<SendCompleted>(alice)).MessageId);
            // Published only after the journal write: the account already remembers it.
            Assert.Equal(1, (await cluster.GetStatusAsync(bob)).RememberedMessageIds);

            events.Dispose();
            await first.StopAsync();
        }

        using var second = await StartNodeAsync();
        var again = second.Services.GetRequiredService<IWhatsAppCluster>();
        var later = await AccountEventLog.SubscribeAsync(second.Services.GetRequiredService<ActorSystem>(), again);
        await again.StartAccountAsync(alice);
        await again.StartAccountAsync(bob);
        await later.NextAsync<ConnectionChanged>(alice, c => c.Connection == ConnectionState.Connected);
        await later.NextAsync<ConnectionChanged>(bob, c => c.Connection == ConnectionState.Connected);

        await again.SendTextAsync(bob, "second-1", aliceUser.Info.Jid, "hello again alice");
        var reply = await later.NextAsync<MessageReceived>(alice);
        Assert.Equal("hello again alice", reply.Text);
        Assert.StartsWith(bobUser.Info.Phone, reply.ChatJid, StringComparison.Ordinal);
        Assert.Equal("second-1", (await later.NextAsync<SendCompleted>(bob)).MessageId);
        Assert.Empty(later.All.OfType<QrCodeIssued>());
        Assert.True((await again.GetStatusAsync(alice)).HasCreds);
        later.Dispose();
        await second.StopAsync();
    }

    private async Task<IHost> StartNodeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddWaClusterNode(new WaClusterNodeOptions
        {
            Hostname = "127.0.0.1",
            Port = _port,
            SqliteFile = Path.Combine(_directory, "journal.db"),
            PostgresConnectionString = _postgres,
            Account = new AccountActorSettings { SnapshotEvery = 7 },
            NumberOfShards = 10,
            Engine = EngineEndpointOptions.Simulator(_simulator.ChatUri, _simulator.Simulator.RootPublicKey),
            ExtraHocon = "akka.loglevel = WARNING\nwacluster.connect-limiter { rate-per-second = 50, burst = 10, jitter = 10ms }",
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record ScanResult(AccountInfo Info);
}

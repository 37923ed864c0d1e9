using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Actors.Connection.Streams;
using WaCluster.Client;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.Core.Connection;
using WaCluster.Core.Creds;
using WaCluster.Node.Hosting;
using WaCluster.Simulator;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Streams;

/// <summary>
/// The stream transport against the in-process simulator: it completes the real handshake and carries the server's
/// stanzas; the owner's stop closes the socket; and inside a node, a connection the server drops, or one a malformed
/// frame fails with a typed error, ends and the account reconnects from its journal, without a new QR.
/// </summary>
[Trait("Proof", "cluster-streams")]
public sealed class StreamTransportSimulatorTests : IAsyncLifetime
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);
    // A dropped connection is noticed at once (no keep-alive wait) and the reconnect backoff starts small.
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(20);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wacluster-streams-" + Guid.NewGuid().ToString("N"));
    private SimulatorHost _simulator = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 33 });
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

    [Fact]
    public async Task The_factory_talks_to_the_simulator_and_the_owner_stopping_closes_the_socket()
    {
        using var system = ActorSystem.Create("streams-factory", "akka.loglevel = WARNING");
        var options = EngineEndpointOptions.Simulator(_simulator.ChatUri, _simulator.Simulator.RootPublicKey).ToEngineOptions();
        var creds = AuthCreds.CreateNew();
        using var owner = new CancellationTokenSource();
        var factory = new StreamNodeTransportFactory(system.Materializer(), options, creds.NoiseKey, StreamTransportSettings.Default, owner.Token);

        var transport = await factory.ConnectAsync(ClientPayloadFactory.ForCreds(creds, options.Identity), null).WaitAsync(Slow);
        // A new device is offered pairing refs first: the server's own stanza, through handshake, frames, Noise and codec.
        var first = await transport.ReceiveAsync().AsTask().WaitAsync(Slow);
        Assert.Equal("iq", first!.Tag);
        Assert.NotNull(first.GetChild("pair-device"));
        Assert.Equal(1, _simulator.Simulator.Counters.ConnectionsOpen);

        await owner.CancelAsync();
        Assert.Null(await transport.ReceiveAsync().AsTask().WaitAsync(Slow));
        await Eventually.UntilAsync(() => _simulator.Simulator.Counters.ConnectionsOpen == 0, Slow, "the simulator releasing the connection");
        await Assert.ThrowsAsync<IOException>(() => transport.SendAsync(first).AsTask());
        await transport.DisposeAsync();
    }

    [Fact]
    public async Task A_malformed_frame_fails_the_accounts_stream_and_it_reconnects_without_pairing_again()
    {
        await using var relay = await WebSocketRelay.StartAsync(_simulator.ChatUri);
        using var host = await StartNodeAsync(relay.ChatUri);
        var cluster = host.Services.GetRequiredService<IWhatsAppCluster>();
        var events = new ConcurrentQueue<IAccountEvent>();
        using var subscription = await SubscribeAsync(host, cluster, events.Enqueue);
        const string account = "dora";

        await cluster.StartAccountAsync(account);
        var qr = await NextAsync<QrCodeIssued>(events, _ => true);
        await _simulator.Simulator.ScanAsync(qr.Qr, "15550003001").WaitAsync(Slow);
        await NextAsync<ConnectionChanged>(events, c => c.Connection == ConnectionState.Connected);
        await Eventually.UntilAsync(() => relay.Open == 1, Slow, "the paired account connected once");
        var connectionsBefore = relay.Accepted;
        events.Clear();

        // An authentic-looking frame (valid length) whose ciphertext fails Noise authentication.
        var garbage = new byte[3 + 48];
        garbage[2] = 48;
        RandomNumberGenerator.Fill(garbage.AsSpan(3));
        await relay.InjectAsync(garbage);

        var dropped = await NextAsync<ConnectionChanged>(events, c => c.Connection != ConnectionState.Connected);
        Assert.Contains("authentication", dropped.Detail, StringComparison.OrdinalIgnoreCase);
        await NextAsync<ConnectionChanged>(events, c => c.Connection == ConnectionState.Connected);
        Assert.Equal(connectionsBefore + 1, relay.Accepted);
        await Eventually.UntilAsync(() => relay.Open == 1, Slow, "the failed connection closed");
        Assert.Empty(events.OfType<QrCodeIssued>());
        var status = await cluster.GetStatusAsync(account);
        Assert.True(status.HasCreds);
        Assert.Equal(ConnectionState.Connected, status.Connection);
        Assert.Equal(0, _simulator.Simulator.Counters.Conflicts);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_connection_the_server_drops_goes_disconnected_and_reconnects_without_pairing_again()
    {
        using var host = await StartNodeAsync(_simulator.ChatUri);
        var cluster = host.Services.GetRequiredService<IWhatsAppCluster>();
        var events = new ConcurrentQueue<IAccountEvent>();
        using var subscription = await SubscribeAsync(host, cluster, events.Enqueue);
        const string account = "erin";

        await cluster.StartAccountAsync(account);
        var qr = await NextAsync<QrCodeIssued>(events, _ => true);
        var device = await _simulator.Simulator.ScanAsync(qr.Qr, "15550003002").WaitAsync(Slow);
        await NextAsync<ConnectionChanged>(events, c => c.Connection == ConnectionState.Connected);
        await Eventually.UntilAsync(() => _simulator.Simulator.Counters.ConnectionsOpen == 1, Slow, "the paired account connected once");
        var loginsBefore = _simulator.Simulator.Counters.Logins;

        for (var drop = 0; drop < 2; drop++)
        {
            events.Clear();
            // Wait for the login to register the device's connection before cutting it.
            await Eventually.UntilAsync(() => _simulator.Simulator.DropConnection(device.DeviceJid!), Slow, "the simulator knowing the device's connection");
            await NextAsync<ConnectionChanged>(events, c => c.Connection != ConnectionState.Connected, Bounded);
            await NextAsync<ConnectionChanged>(events, c => c.Connection == ConnectionState.Connected, Bounded);
        }

        await Eventually.UntilAsync(() => _simulator.Simulator.Counters.ConnectionsOpen == 1, Slow, "the dropped connections replaced by one");
        Assert.True(_simulator.Simulator.Counters.Logins >= loginsBefore + 2, "the account did not log in again after each drop");
        Assert.Empty(events.OfType<QrCodeIssued>());
        var status = await cluster.GetStatusAsync(account);
        Assert.True(status.HasCreds);
        Assert.Equal(ConnectionState.Connected, status.Connection);
        Assert.Equal(1, _simulator.Simulator.Counters.Pairings);
        Assert.Equal(0, _simulator.Simulator.Counters.Conflicts);
        await host.StopAsync();
    }

    private async Task<IHost> StartNodeAsync(Uri serverUri)
    {
        var port = FreePort();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddWaClusterNode(new WaClusterNodeOptions
        {
            Hostname = "127.0.0.1",
            Port = port,
            SqliteFile = Path.Combine(_directory, "journal.db"),
            NumberOfShards = 10,
            Engine = EngineEndpointOptions.Simulator(serverUri, _simulator.Simulator.RootPublicKey),
            ExtraHocon = "akka.loglevel = WARNING\nwacluster.connect-limiter { rate-per-second = 50, burst = 10, jitter = 10ms }",
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    // Pub-sub is at most once: the subscriber must be known to the mediator before the accounts publish.
    private static async Task<IDisposable> SubscribeAsync(IHost host, IWhatsAppCluster cluster, Action<IAccountEvent> handler)
    {
        var subscription = cluster.Subscribe(null, handler);
        var mediator = DistributedPubSub.Get(host.Services.GetRequiredService<ActorSystem>()).Mediator;
        await Eventually.UntilAsync(async () => (await mediator.Ask<CurrentTopics>(GetTopics.Instance, TimeSpan.FromSeconds(3))).Topics.Contains(Topics.AllAccounts),
            Slow, "the subscriber known to the mediator");
        return subscription;
    }

    private static Task<T> NextAsync<T>(ConcurrentQueue<IAccountEvent> events, Func<T, bool> match, TimeSpan? within = null)
        where T : class, IAccountEvent =>
        Eventually.FindAsync(() => events.OfType<T>().FirstOrDefault(match), within ?? Slow, () => $"a {typeof(T).Name}; got: {string.Join(", ", events)}");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Contracts.Proto;
using WaCluster.Node.Hosting;
using WaCluster.TestSupport;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace WaCluster.Cluster.Tests.Logs;

/// <summary>
/// Creds and Signal keys travel in protobuf messages whose ToString prints every bytes field as base64. A node logs
/// messages it cannot deliver: to a stopped actor (dead letters), to an actor that does not handle them, to the
/// account region that cannot route them. None of those lines may carry the secret, even with Akka's debug logging
/// of unhandled messages switched on by configuration.
/// </summary>
[Trait("Proof", "log-secrets")]
public sealed class SecretLoggingTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wacluster-secrets-" + Guid.NewGuid().ToString("N"));
    private readonly LineCapture _hostLines = new();
    private readonly ConcurrentQueue<string> _akkaLines = new();
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(_hostLines);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddWaClusterNode(new WaClusterNodeOptions
        {
            Hostname = "127.0.0.1",
            Port = FreePort(),
            SqliteFile = Path.Combine(_directory, "journal.db"),
            NumberOfShards = 10,
            // What an operator chasing a problem might switch on.
            ExtraHocon = "akka.loglevel = DEBUG\nakka.log-dead-letters = 1000\nakka.actor.debug { unhandled = on, receive = on }",
        });
        _host = builder.Build();
        await _host.StartAsync();
        var system = _host.Services.GetRequiredService<ActorSystem>();
        // Every Akka log event as the node's loggers render it.
        var capture = system.ActorOf(Props.Create(() => new EventCapture(_akkaLines)));
        system.EventStream.Subscribe(capture, typeof(LogEvent));
    }

    public async Task DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
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
    public async Task Undeliverable_and_unhandled_secret_messages_are_logged_without_their_secrets()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var creds = new CredsStored { Creds = ByteString.CopyFrom(secret) };
        var link = new LinkStateChanged { Token = 7, Cause = "test", Creds = ByteString.CopyFrom(secret), HasCreds = true, SignalChange = ByteString.CopyFrom(secret) };
        // The secret really is in what ToString prints: the test would see it if a log line carried the message.
        Assert.Contains(Convert.ToBase64String(secret), creds.ToString(), StringComparison.Ordinal);

        var system = _host.Services.GetRequiredService<ActorSystem>();
        var stopped = system.ActorOf(Props.Create(() => new IgnoringActor()), "stopped");
        var watcher = Inbox.Create(system);
        watcher.Watch(stopped);
        stopped.Tell(PoisonPill.Instance);
        await watcher.ReceiveAsync(Deadline);
        // The node's dead-letter logging starts with the node, not before it: wait until it logs a harmless message.
        await Eventually.UntilAsync(() =>
        {
            if (_akkaLines.Any(line => line.Contains("Message [Int32]", StringComparison.Ordinal))) return true;
            stopped.Tell(42);
            return false;
        }, Deadline, "a dead letter logged");
        stopped.Tell(creds);
        stopped.Tell(link);

        var ignoring = system.ActorOf(Props.Create(() => new IgnoringActor()), "ignoring");
        ignoring.Tell(creds);
        ignoring.Tell(link);

        var region = _host.Services.GetRequiredService<IRequiredActor<AccountRegion>>().ActorRef;
        region.Tell(creds);
        region.Tell(link);

        // Each path did log about the messages (so the check below looks at real lines).
        await WaitForLine(line => line.Contains("[CredsStored]", StringComparison.Ordinal) && line.Contains("was not delivered", StringComparison.Ordinal));
        await WaitForLine(line => line.Contains("[LinkStateChanged]", StringComparison.Ordinal) && line.Contains("was unhandled", StringComparison.Ordinal));
        await WaitForLine(line => line.Contains("does not have an extractor", StringComparison.Ordinal));

        var base64 = Convert.ToBase64String(secret);
        var hex = Convert.ToHexString(secret);
        var leaking = _akkaLines.Concat(_hostLines.Lines)
            .Where(line => line.Contains(base64, StringComparison.Ordinal) || line.Contains(hex, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(leaking.Count == 0, "secret in the log:\n" + string.Join("\n", leaking));
    }

    private Task WaitForLine(Func<string, bool> match) =>
        Eventually.UntilAsync(() => _akkaLines.Any(match), Deadline, () => "the expected log line; got:\n" + string.Join("\n", _akkaLines.TakeLast(40)));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class IgnoringActor : ReceiveActor;

    private sealed class EventCapture : ReceiveActor
    {
        public EventCapture(ConcurrentQueue<string> lines) => Receive<LogEvent>(log => lines.Enqueue(log.ToString()));
    }

    /// <summary>Every line the host's Microsoft loggers write, as text.</summary>
    private sealed class LineCapture : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Writer(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Writer(LineCapture owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}

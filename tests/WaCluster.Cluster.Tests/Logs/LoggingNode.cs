using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Cli;
using WaCluster.Node.Hosting;
using WaCluster.Node.Management;

namespace WaCluster.Cluster.Tests.Logs;

/// <summary>A single node (no engine) with its management endpoint, logging from Information up, as Program.cs builds one.</summary>
public sealed class LoggingNode : IAsyncDisposable
{
    public const string Token = "log-tail-token-7f3a9c";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wacluster-logs-" + Guid.NewGuid().ToString("N"));
    private readonly int _managementPort = FreePort();
    private IHost _host = null!;

    public string Endpoint => $"127.0.0.1:{_managementPort}";

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    public ILogger Logger(string category) => _host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

    public static async Task<LoggingNode> StartAsync()
    {
        var node = new LoggingNode();
        Directory.CreateDirectory(node._directory);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Services.AddWaClusterNode(new WaClusterNodeOptions
        {
            Hostname = "127.0.0.1",
            Port = FreePort(),
            SqliteFile = Path.Combine(node._directory, "journal.db"),
            NumberOfShards = 10,
            ExtraHocon = "akka.loglevel = INFO",
        });
        builder.Services.AddWaClusterManagement(new ManagementOptions { Token = Token, Url = $"http://{node.Endpoint}" });
        node._host = builder.Build();
        await node._host.StartAsync();
        return node;
    }

    /// <summary>Runs the CLI in-process against this node; <paramref name="output"/> receives what it prints as it prints it.</summary>
    public Task<int> RunAsync(TextWriter output, TextWriter error, params string[] args) =>
        CliApp.RunAsync([Endpoint, "--token", Token, .. args], new StringReader(""), output, error, environmentToken: "");

    public async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await RunAsync(output, error, args);
        return (code, output.ToString(), error.ToString());
    }

    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A text writer the CLI writes to on one thread while the test reads it on another.</summary>
public sealed class SharedWriter : StringWriter
{
    private readonly Lock _lock = new();

    public override void Write(char value)
    {
        lock (_lock)
        {
            base.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            base.Write(value);
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return base.ToString();
        }
    }
}

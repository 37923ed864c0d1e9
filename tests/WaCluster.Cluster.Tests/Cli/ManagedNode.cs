using System.Net;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using WaCluster.Actors.Accounts;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Cli;
using WaCluster.Client;
using WaCluster.Node.Hosting;
using WaCluster.Node.Management;

namespace WaCluster.Cluster.Tests.Cli;

/// <summary>
/// A single-node cluster with its management endpoint, built as Program.cs builds one, on SQLite in a temp dir; without
/// an engine unless a subclass names a server for it.
/// </summary>
public class ManagedNode : IAsyncLifetime
{
    public const string Token = "test-management-token";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wacluster-cli-" + Guid.NewGuid().ToString("N"));
    private IHost? _host;

    public static readonly TimeSpan QrWait = TimeSpan.FromSeconds(3);

    private IActorRef Mediator => DistributedPubSub.Get(_host!.Services.GetRequiredService<ActorSystem>()).Mediator;

    public int AkkaPort { get; } = FreePort();

    public int ManagementPort { get; } = FreePort();

    public string Endpoint => $"127.0.0.1:{ManagementPort}";

    public string Address => $"akka.tcp://wacluster@127.0.0.1:{AkkaPort}";

    public string SqliteFile => Path.Combine(_directory, "journal.db");

    public IWhatsAppCluster Accounts => _host!.Services.GetRequiredService<IWhatsAppCluster>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var engine = await StartServerAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddWaClusterNode(new WaClusterNodeOptions
        {
            Hostname = "127.0.0.1",
            Port = AkkaPort,
            SqliteFile = SqliteFile,
            NumberOfShards = 10,
            Engine = engine,
            ExtraHocon = "akka.loglevel = WARNING",
        });
        builder.Services.AddWaClusterManagement(new ManagementOptions { Token = Token, Url = $"http://{Endpoint}", QrWait = QrWait });
        _host = builder.Build();
        await _host.StartAsync();
    }

    /// <summary>Publishes an account event as an account's engine would.</summary>
    public void Publish(WaCluster.Contracts.IAccountEvent accountEvent) =>
        new PubSubEventPublisher(Mediator).Publish(accountEvent);

    /// <summary>Records every account event from now on (once the subscription reached the mediator: pub-sub is at most once).</summary>
    public Task<Support.AccountEventLog> RecordEventsAsync() =>
        Support.AccountEventLog.SubscribeAsync(_host!.Services.GetRequiredService<ActorSystem>(), Accounts);

    /// <summary>Runs the CLI in-process with the node's endpoint and token (unless <paramref name="args"/> carry their own).</summary>
    public Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync([Endpoint, "--token", Token, .. args]);

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _host.StopAsync(timeout.Token);
            _host.Dispose();
        }
        await StopServerAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>The server the node's account engines connect to; none by default.</summary>
    protected virtual Task<EngineEndpointOptions?> StartServerAsync() => Task.FromResult<EngineEndpointOptions?>(null);

    protected virtual Task StopServerAsync() => Task.CompletedTask;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One in-process CLI invocation: its exit code and what it printed.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> RunAsync(string[] args, string input = "")
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new StringReader(input), output, error, environmentToken: "");
        return new CliRun(code, output.ToString(), error.ToString());
    }
}

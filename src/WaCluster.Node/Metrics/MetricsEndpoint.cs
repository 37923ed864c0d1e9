using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Actors.Metrics;
using WaCluster.Node.Health;
using WaCluster.Node.Hosting;

namespace WaCluster.Node.Metrics;

/// <summary>
/// The node's operations port: <c>/metrics</c> for Prometheus and the <c>/health/*</c> checks, on a small Kestrel
/// server of its own (like the management endpoint) with no token: it exposes figures and verdicts, never commands.
/// </summary>
public sealed partial class MetricsEndpoint(MetricsOptions options, WaClusterNodeOptions node, IServiceProvider services, ILoggerFactory loggers)
    : IHostedService
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var system = services.GetRequiredService<ActorSystem>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Url);
        builder.Logging.ClearProviders();
        PrometheusExport.Add(builder.Services, NodeMetrics.For(system).Meter, options, $"{node.PublicHostname ?? node.Hostname}:{node.Port}");
        HealthEndpoints.AddChecks(builder.Services, system, services.GetRequiredService<IRequiredActor<AccountRegion>>().ActorRef,
            node.HostsAccounts, node.Account.JournalPluginId, options.JournalCheckTimeout);
        _app = builder.Build();
        _app.MapPrometheusScrapingEndpoint("/metrics");
        HealthEndpoints.Map(_app);

        await _app.StartAsync(cancellationToken);
        var logger = loggers.CreateLogger<MetricsEndpoint>();
        LogListening(logger, options.Url);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
            await _app.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics and health endpoint listening on {Url}")]
    private static partial void LogListening(ILogger logger, string url);
}

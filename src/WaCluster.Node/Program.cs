using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using WaCluster.Node.Hosting;
using WaCluster.Node.Management;
using WaCluster.Node.Metrics;

// A cluster node. Settings come from appsettings/command line/environment under "WaCluster", e.g.
// WaCluster__Port=4053 WaCluster__SeedNodes=akka.tcp://wacluster@host1:4053,akka.tcp://wacluster@host2:4053
// WaCluster__Roles=accounts WaCluster__PostgresConnectionString=... (SQLite file WaCluster__SqliteFile otherwise).
// WaCluster__Engine__ServerUri=ws://host/ws/chat WaCluster__Engine__RootPublicKey=<base64> points the engines at a
// simulator (or another server); without WaCluster__Engine__ServerUri accounts keep their state but do not connect.
// SIGTERM stops the host, which runs CoordinatedShutdown: the node leaves the cluster and hands its shards over.
var host = Host.CreateApplicationBuilder(args);
var section = host.Configuration.GetSection("WaCluster");
var defaults = new WaClusterNodeOptions();
var options = defaults with
{
    Hostname = section["Hostname"] ?? defaults.Hostname,
    PublicHostname = section["PublicHostname"],
    Port = int.TryParse(section["Port"], out var port) ? port : defaults.Port,
    Roles = List(section["Roles"]) ?? defaults.Roles,
    SeedNodes = List(section["SeedNodes"]) ?? defaults.SeedNodes,
    SqliteFile = section["SqliteFile"] ?? defaults.SqliteFile,
    PostgresConnectionString = section["PostgresConnectionString"],
    NumberOfShards = int.TryParse(section["NumberOfShards"], out var shards) ? shards : defaults.NumberOfShards,
    Engine = section["Engine:ServerUri"] is { } serverUri
        ? new EngineEndpointOptions
        {
            ServerUri = new Uri(serverUri),
            CertificateRootPublicKey = section["Engine:RootPublicKey"] is { } root ? Convert.FromBase64String(root) : null,
        }
        : null,
};
host.Services.AddWaClusterNode(options);
// The management endpoint for the wacluster CLI runs when a token is set (WaCluster__ManagementToken, and
// WaCluster__ManagementUrl, loopback port 9110 by default).
if (section["ManagementToken"] is { Length: > 0 } managementToken)
{
    host.Services.AddWaClusterManagement(new ManagementOptions
    {
        Token = managementToken,
        Url = section["ManagementUrl"] ?? ManagementOptions.DefaultUrl,
    });
}
// Prometheus /metrics and /health/live|ready run when WaCluster__MetricsUrl is set (e.g. http://0.0.0.0:9464).
if (section["MetricsUrl"] is { Length: > 0 } metricsUrl)
{
    host.Services.AddWaClusterMetrics(new MetricsOptions { Url = metricsUrl }, options);
}
await host.Build().RunAsync();

static IReadOnlyList<string>? List(string? value) =>
    value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

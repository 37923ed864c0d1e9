using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaCluster.Node.Hosting;

namespace WaCluster.Node.Metrics;

public static class MetricsSetup
{
    /// <summary>Serves <c>/metrics</c>, <c>/health/live</c> and <c>/health/ready</c> for a node built with AddWaClusterNode.</summary>
    public static IServiceCollection AddWaClusterMetrics(this IServiceCollection services, MetricsOptions options, WaClusterNodeOptions node)
    {
        services.AddSingleton(provider => new MetricsEndpoint(options, node, provider, provider.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService(provider => provider.GetRequiredService<MetricsEndpoint>());
        return services;
    }
}

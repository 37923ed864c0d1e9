using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaCluster.Node.Management.Logs;

namespace WaCluster.Node.Management;

public static class ManagementSetup
{
    /// <summary>Adds the token-protected management endpoint to a node built with AddWaClusterNode.</summary>
    public static IServiceCollection AddWaClusterManagement(this IServiceCollection services, ManagementOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Token))
        {
            throw new ArgumentException("The management endpoint needs a token", nameof(options));
        }
        // The log ring fills from start-up, so `log tail` shows what happened before anyone asked.
        services.AddSingleton(new LogRing());
        services.AddSingleton<ILoggerProvider>(provider => new RingLoggerProvider(provider.GetRequiredService<LogRing>()));
        services.AddSingleton(provider => new ManagementEndpoint(options, provider, provider.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService(provider => provider.GetRequiredService<ManagementEndpoint>());
        return services;
    }
}

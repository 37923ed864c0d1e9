using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
        services.AddSingleton(provider => new ManagementEndpoint(options, provider, provider.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService(provider => provider.GetRequiredService<ManagementEndpoint>());
        return services;
    }
}

using System.Text.Json;
using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WaCluster.Node.Health;

/// <summary>
/// <c>/health/live</c> (the actor system runs) and <c>/health/ready</c> (live, member Up with the account region
/// registered, journal read/write): 200 when healthy, 503 otherwise, with each check's verdict as JSON.
/// </summary>
public static class HealthEndpoints
{
    private const string Live = "live";
    private const string Ready = "ready";

    internal static void AddChecks(IServiceCollection services, ActorSystem system, IActorRef accountRegion, bool hostsAccounts,
        string? journalPluginId, TimeSpan timeout)
    {
        services.AddHealthChecks()
            .AddCheck("actor-system", new LivenessCheck(system), tags: [Live, Ready])
            .AddCheck("cluster", new ClusterReadinessCheck(system, accountRegion, hostsAccounts, timeout), tags: [Ready])
            .AddCheck("journal", new JournalHealthCheck(system, journalPluginId, timeout), tags: [Ready]);
    }

    internal static void Map(WebApplication app)
    {
        app.MapHealthChecks("/health/live", Options(Live));
        app.MapHealthChecks("/health/ready", Options(Ready));
    }

    private static HealthCheckOptions Options(string tag) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResponseWriter = WriteAsync,
    };

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(entry => entry.Key, entry => new
            {
                status = entry.Value.Status.ToString(),
                description = entry.Value.Description,
                durationMs = Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
            }),
        }), context.RequestAborted);
    }
}

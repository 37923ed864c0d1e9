using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WaCluster.Node.Management.Logs;

/// <summary>
/// <c>GET /v1/logs?lines=N&amp;level=warning&amp;account=ID&amp;follow=true</c>: the last N matching lines of the ring as
/// JSON lines, then, when following, every new matching line as it is logged until the client or the node stops.
/// </summary>
public static class LogTailRoute
{
    public const int DefaultLines = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(WebApplication app, LogRing ring, IHostApplicationLifetime node)
    {
        app.MapGet("/v1/logs", async context =>
        {
            var query = context.Request.Query;
            var minimum = ParseLevel(query["level"]);
            var account = query["account"].ToString() is { Length: > 0 } id ? id : null;
            var lines = int.TryParse(query["lines"], out var count) && count >= 0 ? Math.Min(count, LogRing.DefaultCapacity) : DefaultLines;
            var follow = string.Equals(query["follow"], "true", StringComparison.OrdinalIgnoreCase);
            bool Matches(LogLine line) => line.Level >= minimum && (account is null || line.Account == account);

            context.Response.ContentType = "application/x-ndjson";
            var recent = ring.After(0);
            var last = recent.Count > 0 ? recent[^1].Sequence : 0;
            await WriteAsync(context, recent.Where(Matches).TakeLast(lines));
            if (!follow)
            {
                return;
            }
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, node.ApplicationStopping);
            try
            {
                while (true)
                {
                    await ring.WaitAfterAsync(last, stop.Token);
                    var fresh = ring.After(last);
                    if (fresh.Count > 0)
                    {
                        last = fresh[^1].Sequence;
                        await WriteAsync(context, fresh.Where(Matches));
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The client went away or the node is stopping: the stream simply ends.
            }
        });
    }

    private static async Task WriteAsync(HttpContext context, IEnumerable<LogLine> lines)
    {
        foreach (var line in lines)
        {
            await context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                sequence = line.Sequence,
                timestamp = line.Timestamp,
                level = line.Level.ToString().ToLowerInvariant(),
                source = line.Source,
                account = line.Account,
                message = line.Message,
            }, Json) + "\n", context.RequestAborted);
        }
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static LogLevel ParseLevel(string? level) => level?.ToLowerInvariant() switch
    {
        null or "" or "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" or "information" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" => LogLevel.Critical,
        _ => throw new ManagementException(ManagementException.BadRequest, $"unknown level '{level}' (trace, debug, info, warning, error, critical)"),
    };
}

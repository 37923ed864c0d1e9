using Akka.Actor;
using Akka.Event;
using WaCluster.Client;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace WaCluster.Node.Management.Logs;

/// <summary>
/// Copies the ActorSystem's log events (those at or above <c>akka.loglevel</c>) into the <see cref="LogRing"/>,
/// attributing each to the account whose entity (or a child of it) logged it.
/// </summary>
public static class AkkaLogCapture
{
    private static readonly string RegionSegment = "/" + AccountShards.RegionName + "/";

    public static void Start(ActorSystem system, LogRing ring)
    {
        var capture = system.ActorOf(Props.Create(() => new Capture(ring)), "log-tail-capture");
        system.EventStream.Subscribe(capture, typeof(LogEvent));
    }

    /// <summary>Sharding puts an account at …/accounts/{shard}/{account id}[/children]: the id is the second segment after the region.</summary>
    internal static string? AccountOf(string source)
    {
        var region = source.IndexOf(RegionSegment, StringComparison.Ordinal);
        if (region < 0)
        {
            return null;
        }
        var segments = source[(region + RegionSegment.Length)..].Split('/', 3);
        // A source may carry a uid (#123) or, for string sources, the system address after a space.
        var id = segments.Length >= 2 ? segments[1].Split('#', ' ')[0] : "";
        return id.Length > 0 ? Uri.UnescapeDataString(id) : null;
    }

    private static string MessageOf(LogEvent log)
    {
        var text = log.Message?.ToString() ?? "";
        return log.Cause is { } cause ? $"{text} ({cause.GetType().Name}: {cause.Message})" : text;
    }

    private static LogLevel LevelOf(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => LogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => LogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };

    private sealed class Capture : ReceiveActor
    {
        public Capture(LogRing ring) => Receive<LogEvent>(log => ring.Add(new DateTimeOffset(log.Timestamp.ToUniversalTime(), TimeSpan.Zero),
            LevelOf(log.LogLevel()), log.LogSource, AccountOf(log.LogSource), MessageOf(log)));
    }
}

using Akka.Actor;

namespace WaCluster.Actors.Connection;

/// <summary>The node's single <see cref="ConnectLimiter"/>, configured under <c>wacluster.connect-limiter</c>.</summary>
public sealed class ConnectLimiterExtension : IExtension
{
    public ConnectLimiterExtension(ExtendedActorSystem system)
    {
        var config = system.Settings.Config.GetConfig("wacluster.connect-limiter");
        Limiter = config is null || config.IsEmpty
            ? new ConnectLimiter(50, 20, TimeSpan.FromMilliseconds(250))
            : new ConnectLimiter(
                config.GetDouble("rate-per-second", 50),
                config.GetInt("burst", 20),
                config.GetTimeSpan("jitter", TimeSpan.FromMilliseconds(250)));
    }

    public ConnectLimiter Limiter { get; }

    public static ConnectLimiter For(ActorSystem system) => system.WithExtension<ConnectLimiterExtension, ConnectLimiterProvider>().Limiter;
}

public sealed class ConnectLimiterProvider : ExtensionIdProvider<ConnectLimiterExtension>
{
    public override ConnectLimiterExtension CreateExtension(ExtendedActorSystem system) => new(system);
}

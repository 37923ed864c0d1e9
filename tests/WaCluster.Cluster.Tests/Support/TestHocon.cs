using Akka.Configuration;
using WaCluster.Contracts.Serialization;

namespace WaCluster.Cluster.Tests.Support;

internal static class TestHocon
{
    /// <summary>Our serializer bound to the marker interface and every message serialized, local ones included.</summary>
    public static Config SerializeEverything => ConfigurationFactory.ParseString(
        WaClusterSerializer.Hocon + "\nakka.actor.serialize-messages = on\nakka.loglevel = INFO");
}

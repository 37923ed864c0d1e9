using Akka.Actor;
using WaCluster.Contracts;
using WaCluster.Contracts.Serialization;

namespace WaCluster.Client;

/// <summary>A sibling service's way into a WaCluster: the configuration that makes its ActorSystem a member, and the facade.</summary>
public static class WaClusterClient
{
    /// <summary>
    /// HOCON for a member that hosts no accounts: the cluster provider, remoting on <paramref name="hostname"/>:
    /// <paramref name="port"/> with frames large enough for inline media, the seed nodes, and the contracts'
    /// serializer. The ActorSystem's name must be the cluster's.
    /// </summary>
    public static string Hocon(string hostname, int port, IEnumerable<string> seedNodes, string role = "service") => $$"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp {
          hostname = "{{hostname}}"
          port = {{port}}
          maximum-frame-size = {{SendLimits.RemoteFrameBytes}}b
          send-buffer-size = {{SendLimits.RemoteFrameBytes * 2}}b
          receive-buffer-size = {{SendLimits.RemoteFrameBytes * 2}}b
        }
        akka.cluster {
          seed-nodes = [{{string.Join(", ", seedNodes.Select(seed => $"\"{seed}\""))}}]
          roles = ["{{role}}"]
        }
        {{WaClusterSerializer.Hocon}}
        """;

    /// <summary>Starts the account region proxy on <paramref name="system"/> and returns the facade over it.</summary>
    public static IWhatsAppCluster Connect(ActorSystem system, int numberOfShards = AccountShards.DefaultNumberOfShards, TimeSpan? askTimeout = null) =>
        new WhatsAppCluster(system, AccountShards.StartProxy(system, numberOfShards), askTimeout);
}

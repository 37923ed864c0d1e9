using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Streams;
using WaCluster.Actors.Connection.Streams;
using WaCluster.Engine;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Crypto;

namespace WaCluster.Actors.Connection;

/// <summary>
/// How a connection child opens its engine's server connections: with the account's noise key, stopped when
/// <paramref name="connectionStopped"/> fires (the child stopped).
/// </summary>
public delegate INodeTransportFactory EngineTransports(ActorSystem system, KeyPair noiseKey, CancellationToken connectionStopped);

/// <summary>
/// Runs a real <see cref="AccountEngine"/> as each account's connection child; its connections are Akka.Streams
/// pipelines on the node's materializer (<see cref="StreamNodeTransportFactory"/>).
/// </summary>
public sealed class EngineConnectionFactory(EngineOptions options, TimeSpan? persistTimeout = null, StreamTransportSettings? streams = null)
    : IAccountConnectionFactory
{
    private readonly TimeSpan _persistTimeout = persistTimeout ?? TimeSpan.FromSeconds(30);
    private readonly StreamTransportSettings _streams = streams ?? StreamTransportSettings.Default;

    // One materializer per node for every account's pipelines; a materializer per account would be an actor per account.
    private readonly ConditionalWeakTable<ActorSystem, IMaterializer> _materializers = new();

    public EngineOptions Options => options;

    public Props CreateConnectionProps(AccountConnectionContext context) =>
        Props.Create(() => new EngineConnection(context, options, _persistTimeout, StreamTransports));

    private StreamNodeTransportFactory StreamTransports(ActorSystem system, KeyPair noiseKey, CancellationToken connectionStopped) =>
        new StreamNodeTransportFactory(_materializers.GetValue(system, static s => s.Materializer(namePrefix: "connection")), options, noiseKey, _streams, connectionStopped);
}

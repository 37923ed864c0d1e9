using Akka.Actor;
using WaCluster.Engine;

namespace WaCluster.Actors.Connection;

/// <summary>Runs a real <see cref="AccountEngine"/> as each account's connection child.</summary>
public sealed class EngineConnectionFactory(EngineOptions options, TimeSpan? persistTimeout = null) : IAccountConnectionFactory
{
    private readonly TimeSpan _persistTimeout = persistTimeout ?? TimeSpan.FromSeconds(30);

    public EngineOptions Options => options;

    public Props CreateConnectionProps(AccountConnectionContext context) =>
        Props.Create(() => new EngineConnection(context, options, _persistTimeout));
}

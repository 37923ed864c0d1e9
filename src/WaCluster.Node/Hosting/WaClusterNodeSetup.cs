using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using WaCluster.Actors.Accounts;
using WaCluster.Actors.Connection;
using WaCluster.Client;
using WaCluster.Contracts;
using WaCluster.Contracts.Serialization;
using WaCluster.Node.Metrics;

namespace WaCluster.Node.Hosting;

/// <summary>Builds a WaCluster node on Akka.Hosting: remoting, cluster, journals, pub-sub, the account region.</summary>
public static class WaClusterNodeSetup
{
    /// <summary>Adds the node's ActorSystem and the <see cref="IWhatsAppCluster"/> facade to the services.</summary>
    public static IServiceCollection AddWaClusterNode(
        this IServiceCollection services,
        WaClusterNodeOptions options,
        IAccountConnectionFactory? connections = null)
    {
        services.AddAkka(options.SystemName, builder => builder.ConfigureWaClusterNode(options, connections));
        services.AddSingleton<IWhatsAppCluster>(provider => new WhatsAppCluster(
            provider.GetRequiredService<ActorSystem>(),
            provider.GetRequiredService<IRequiredActor<AccountRegion>>().ActorRef));
        return services;
    }

    public static AkkaConfigurationBuilder ConfigureWaClusterNode(
        this AkkaConfigurationBuilder builder,
        WaClusterNodeOptions options,
        IAccountConnectionFactory? connections = null)
    {
        if (options.PostgresConnectionString is null)
        {
            JournalSetup.PrepareSqliteFile(options.SqliteFile);
        }
        var (journal, snapshots) = JournalSetup.Accounts(options);
        var (shardingJournal, shardingSnapshots) = JournalSetup.Sharding(options);
        var extractor = new AccountMessageExtractor(options.NumberOfShards);

        builder
            .AddHocon(WaClusterSerializer.Hocon, HoconAddMode.Prepend)
            .WithRemoting(new RemoteOptions
            {
                HostName = options.Hostname,
                PublicHostName = options.PublicHostname ?? options.Hostname,
                Port = options.Port,
                // A send command may carry inline media to an account on another node.
                MaxFrameSize = SendLimits.RemoteFrameBytes,
                SendBufferSize = SendLimits.RemoteFrameBytes * 2,
                ReceiveBufferSize = SendLimits.RemoteFrameBytes * 2,
            })
            .WithClustering(new ClusterOptions
            {
                Roles = options.Roles.ToArray(),
                // Without seeds a node forms a cluster of its own (the single-node default).
                SeedNodes = options.SeedNodes.Count > 0
                    ? options.SeedNodes.ToArray()
                    : [$"akka.tcp://{options.SystemName}@{options.PublicHostname ?? options.Hostname}:{options.Port}"],
            })
            .WithSqlPersistence(journal, snapshots)
            .WithSqlPersistence(shardingJournal, shardingSnapshots)
            .WithDistributedPubSub(role: null!)
            .AddHocon(TimedSqlWriteJournal.Hocon(journal.PluginId, shardingJournal.PluginId), HoconAddMode.Prepend);

        if (options.HostsAccounts)
        {
            var settings = options.Account;
            var factory = connections
                ?? (options.Engine is { } engine ? new EngineConnectionFactory(engine.ToEngineOptions()) : NoEngineConnectionFactory.Instance);
            builder.WithShardRegion<AccountRegion>(
                AccountShards.RegionName,
                (system, _, _) =>
                {
                    var publisher = new PubSubEventPublisher(DistributedPubSub.Get(system).Mediator);
                    return entityId => AccountActor.Props(entityId, settings, factory, publisher);
                },
                extractor,
                new ShardOptions
                {
                    Role = AccountShards.Role,
                    RememberEntities = true,
                    StateStoreMode = StateStoreMode.DData,
                    RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                    JournalPluginId = shardingJournal.PluginId,
                    SnapshotPluginId = shardingSnapshots.PluginId,
                });
        }
        else
        {
            builder.WithShardRegionProxy<AccountRegion>(AccountShards.RegionName, AccountShards.Role, extractor);
        }

        if (options.SerializeMessages)
        {
            builder.AddHocon("akka.actor.serialize-messages = on\n" + LocalOnlyMessageSerializer.Hocon, HoconAddMode.Prepend);
        }
        // Operator files and test overrides go last so they win over everything above.
        if (Directory.Exists(options.HoconDirectory))
        {
            foreach (var file in Directory.GetFiles(options.HoconDirectory, "*.conf").Order(StringComparer.Ordinal))
            {
                builder.AddHocon(File.ReadAllText(file), HoconAddMode.Prepend);
            }
        }
        if (options.ExtraHocon is not null)
        {
            builder.AddHocon(options.ExtraHocon, HoconAddMode.Prepend);
        }
        // Last, so no override brings back Akka's logging of message contents: messages carry creds and keys.
        builder
            .AddHocon(SecretSafeLogFormatter.Hocon + "\n" + DeadLetterLog.Hocon, HoconAddMode.Prepend)
            .WithActors((system, _) => system.ActorOf(DeadLetterLog.Props(), "dead-letter-log"));
        return builder;
    }
}

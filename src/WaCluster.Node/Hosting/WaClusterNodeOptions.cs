using WaCluster.Actors.Accounts;
using WaCluster.Client;

namespace WaCluster.Node.Hosting;

/// <summary>Where a node runs, whom it joins and where it keeps journals.</summary>
public sealed record WaClusterNodeOptions
{
    public string SystemName { get; init; } = "wacluster";

    public string Hostname { get; init; } = "localhost";

    /// <summary>The address other nodes use to reach this one (null = <see cref="Hostname"/>).</summary>
    public string? PublicHostname { get; init; }

    public int Port { get; init; } = 4053;

    /// <summary>Nodes with <see cref="AccountShards.Role"/> host account entities; the others reach them through a proxy.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [AccountShards.Role];

    /// <summary>Akka addresses such as <c>akka.tcp://wacluster@host:4053</c>; empty = join itself.</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    /// <summary>SQLite journal file used when <see cref="PostgresConnectionString"/> is not set.</summary>
    public string SqliteFile { get; init; } = "wacluster.db";

    public string? PostgresConnectionString { get; init; }

    public int NumberOfShards { get; init; } = AccountShards.DefaultNumberOfShards;

    /// <summary>Folder of HOCON files (*.conf) layered over the built-in settings, in name order.</summary>
    public string HoconDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "hocon");

    /// <summary>Serialize every message, even local ones (tests turn it on to prove nothing needs a fallback serializer).</summary>
    public bool SerializeMessages { get; init; }

    /// <summary>Extra HOCON applied last (tests use it for fast failure detection).</summary>
    public string? ExtraHocon { get; init; }

    public AccountActorSettings Account { get; init; } = new();

    /// <summary>Where account engines connect; null = no engine on this node (accounts keep state but do not connect).</summary>
    public EngineEndpointOptions? Engine { get; init; }

    public bool HostsAccounts => Roles.Contains(AccountShards.Role);
}

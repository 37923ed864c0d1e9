namespace WaCluster.Actors.Accounts;

/// <summary>Tuning of <see cref="AccountActor"/>; the defaults suit production.</summary>
public sealed record AccountActorSettings
{
    /// <summary>A snapshot is saved every this many events; events below it are then deleted from the journal.</summary>
    public int SnapshotEvery { get; init; } = 200;

    public int DedupeCapacity { get; init; } = 4096;

    /// <summary>Journal plugin for accounts (null = the default journal).</summary>
    public string? JournalPluginId { get; init; }

    public string? SnapshotPluginId { get; init; }

    public TimeSpan ConnectionMinBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ConnectionMaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    public static string PersistenceIdFor(string accountId) => "account-" + accountId;
}

namespace WaCluster.Contracts;

/// <summary>DistributedPubSub topic names for account events.</summary>
public static class Topics
{
    /// <summary>Every account's events.</summary>
    public const string AllAccounts = "wa-accounts";

    public static string ForAccount(string accountId) => "wa-account-" + accountId;
}

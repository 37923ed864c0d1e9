using WaCluster.Contracts;
using WaCluster.Contracts.Proto;

namespace WaCluster.Node.Facade;

/// <summary>
/// The cluster as sibling services see it: typed calls on accounts, wherever they live, and their events.
/// Commands are idempotent by their ids, so a caller may retry one whose reply timed out.
/// </summary>
public interface IWhatsAppCluster
{
    Task StartAccountAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>Completes once the send is persisted in the account's outbox (it leaves when connected).</summary>
    Task SendTextAsync(string accountId, string messageId, string toJid, string text, CancellationToken cancellationToken = default);

    /// <summary>Asks the (connected, not yet paired) account for a pairing code; returns the code to type on the phone.</summary>
    Task<string> RequestPairingCodeAsync(string accountId, string phoneNumber, CancellationToken cancellationToken = default);

    Task MarkReadAsync(string accountId, string chatJid, string senderJid, IEnumerable<string> messageIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Available/unavailable to every subscriber (they need a push name: pass one here or earlier); composing,
    /// recording and paused to the chat <paramref name="toJid"/>.
    /// </summary>
    Task SendPresenceAsync(string accountId, PresenceKind kind, string toJid, string? pushName = null, CancellationToken cancellationToken = default);

    /// <summary>Runs a group operation; returns the group as the server has it afterwards and per-participant outcomes.</summary>
    Task<GroupOperationResult> GroupOperationAsync(GroupOperation operation, CancellationToken cancellationToken = default);

    Task LogOutAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>Closes the account's socket; it stays offline, also across restarts, until <see cref="ConnectAccountAsync"/>.</summary>
    Task DisconnectAccountAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>Starts the account if needed, or connects it again after <see cref="DisconnectAccountAsync"/>.</summary>
    Task ConnectAccountAsync(string accountId, CancellationToken cancellationToken = default);

    Task<AccountStatus> GetStatusAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="handler"/> for the events of one account (or of all when null), at least once each:
    /// deduplicate by message id. Dispose the result to stop.
    /// </summary>
    IDisposable Subscribe(string? accountId, Action<IAccountEvent> handler);
}

/// <summary>The account refused a command (see <see cref="Rejection"/>).</summary>
public sealed class AccountCommandRejectedException(CommandRejected rejection)
    : Exception($"Account {rejection.AccountId} rejected the command: {rejection.Reason} {rejection.Detail}")
{
    public CommandRejected Rejection { get; } = rejection;
}

using WaCluster.Contracts;
using WaCluster.Contracts.Proto;

namespace WaCluster.Client;

/// <summary>
/// The cluster as sibling services see it: typed calls on accounts, wherever they live, and their events.
/// Commands are idempotent by their ids, so a caller may retry one whose reply timed out.
/// </summary>
public interface IWhatsAppCluster
{
    Task StartAccountAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>Completes once the send is persisted in the account's outbox (it leaves when connected).</summary>
    Task SendTextAsync(string accountId, string messageId, string toJid, string text, CancellationToken cancellationToken = default);

    /// <summary>
    /// Any kind of message through the outbox (see <see cref="SendMessage"/>); completes once it is persisted, the
    /// server's ack publishes SendCompleted. Media is uploaded first, so a media send needs the account connected.
    /// </summary>
    Task SendMessageAsync(SendMessage message, CancellationToken cancellationToken = default);

    /// <summary>A text quoting <paramref name="quoted"/>; <paramref name="quotedText"/> fills the quote box.</summary>
    Task SendReplyAsync(string accountId, string messageId, string toJid, string text, MessageRef quoted, string quotedText = "",
        CancellationToken cancellationToken = default);

    /// <summary>Reacts to <paramref name="target"/>; an empty emoji removes the reaction.</summary>
    Task SendReactionAsync(string accountId, string messageId, string toJid, MessageRef target, string emoji, CancellationToken cancellationToken = default);

    /// <summary>Replaces the text of one of the account's own messages.</summary>
    Task EditMessageAsync(string accountId, string messageId, string toJid, MessageRef target, string newText, CancellationToken cancellationToken = default);

    /// <summary>Deletes a message for everyone (the account's own, or any in a group it administers).</summary>
    Task RevokeMessageAsync(string accountId, string messageId, string toJid, MessageRef target, CancellationToken cancellationToken = default);

    /// <summary>Uploads the media (bytes up to 16 MiB, or a file on the account's node) and sends it through the outbox.</summary>
    Task SendMediaAsync(string accountId, string messageId, string toJid, MediaContent media, CancellationToken cancellationToken = default);

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

using WaCluster.Core.Events;
using WaCluster.Core.Iq;
using WaCluster.Core.Messaging;
using WaCluster.Core.Stanzas;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;

namespace WaCluster.Engine;

public sealed partial class AccountEngine
{
    /// <summary>Sends <paramref name="text"/> quoting <paramref name="quoted"/> (extended text with context info).</summary>
    public Task<string> SendReplyAsync(Jid chat, string text, ReceivedMessage quoted, string? messageId = null, CancellationToken cancellationToken = default) =>
        SendMessageAsync(chat, MessageKinds.Reply(text, quoted), messageId, cancellationToken);

    /// <summary>Reacts to a message with <paramref name="emoji"/> (empty removes our reaction).</summary>
    public Task<string> SendReactionAsync(Jid chat, WaMessageKey target, string emoji, string? messageId = null, CancellationToken cancellationToken = default) =>
        SendMessageAsync(chat, MessageKinds.Reaction(target, emoji, _time.GetUtcNow()), messageId, cancellationToken);

    /// <summary>Replaces the text of one of our messages.</summary>
    public Task<string> EditMessageAsync(Jid chat, WaMessageKey target, string newText, string? messageId = null, CancellationToken cancellationToken = default) =>
        SendMessageAsync(chat, MessageKinds.Edit(target, newText, _time.GetUtcNow()), messageId, cancellationToken);

    /// <summary>Deletes a message for everyone (ours, or as group admin someone else's).</summary>
    public Task<string> RevokeMessageAsync(Jid chat, WaMessageKey target, string? messageId = null, CancellationToken cancellationToken = default) =>
        SendMessageAsync(chat, MessageKinds.Revoke(target), messageId, cancellationToken);

    /// <summary>Sends read receipts for received messages (blue ticks), one receipt per message.</summary>
    public async Task ReadMessagesAsync(IEnumerable<WaMessageKey> keys, CancellationToken cancellationToken = default)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        foreach (var key in keys.Where(k => !k.FromMe))
        {
            await session.SendAsync(Receipts.Read(key), cancellationToken).ConfigureAwait(false);
        }
    }
}

using WaCluster.Engine.Connection;
using WaCluster.Engine.Events;
using WaCluster.Engine.Messaging;
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
            await session.SendAsync(new BinaryNode("receipt",
                [("id", key.Id), ("to", key.RemoteJid.ToString()), ("type", "read"), ("participant", key.Participant?.ToString())]), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    // Edits, revokes and reactions inside received messages also update the messages they target.
    private void AnnounceChanges(IReadOnlyList<ReceivedMessage> messages)
    {
        var updates = new List<MessageUpdate>();
        foreach (var received in messages)
        {
            var message = received.Message;
            if (message.ReactionMessage is { Key: { } reacted } reaction)
            {
                Emit(new MessagesReaction(TargetKey(reacted, received), received.Sender, reaction.Text));
            }
            else if (message.ProtocolMessage is { Key: { } target } protocol)
            {
                if (protocol.Type == Message.Types.ProtocolMessage.Types.Type.Revoke)
                {
                    updates.Add(new MessageUpdate(TargetKey(target, received), Revoked: true));
                }
                else if (protocol.Type == Message.Types.ProtocolMessage.Types.Type.MessageEdit && protocol.EditedMessage is { } edited)
                {
                    updates.Add(new MessageUpdate(TargetKey(target, received), EditedMessage: edited));
                }
            }
        }
        if (updates.Count > 0) Emit(new MessagesUpdate(updates));
    }

    // The target key as seen from here: "fromMe" in the sender's key means from the sender, i.e. not from us unless we sent it.
    private static WaMessageKey TargetKey(MessageKey key, ReceivedMessage carrier)
    {
        var fromMe = key.FromMe == carrier.Key.FromMe;
        Jid? participant = Jid.TryParse(key.Participant, out var p) && !p.IsEmpty ? p : null;
        return new WaMessageKey(carrier.Key.RemoteJid, fromMe, key.Id, participant);
    }

    /// <summary>A receipt for our messages: status updates (1:1) or per-member receipts (groups), then the ack.</summary>
    internal async Task OnReceiptAsync(ConnectionSession session, BinaryNode receipt, CancellationToken cancellationToken)
    {
        var from = receipt.GetJid("from");
        var type = receipt.GetAttribute("type");
        var status = type switch
        {
            null or "" or "delivery" => 3,
            "read" or "read-self" => 4,
            "played" or "played-self" => 5,
            _ => (int?)null,
        };
        var ids = new List<string>();
        if (receipt.GetAttribute("id") is { } first) ids.Add(first);
        if (receipt.GetChild("list") is { } list) ids.AddRange(list.GetChildren("item").Select(i => i.GetAttribute("id")).OfType<string>());
        if (from is { } chat && status is { } known && type != "retry")
        {
            var timestamp = receipt.TryGetInt64("t", out var t) ? DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(t, 0, 253402300799)) : _time.GetUtcNow();
            if (chat.IsGroup && receipt.GetJid("participant") is { } member)
            {
                foreach (var id in ids) Emit(new MessageReceiptUpdate(new WaMessageKey(chat, true, id), member.ToNonAd(), type ?? "delivery", timestamp));
            }
            else if (!chat.IsGroup)
            {
                Emit(new MessagesUpdate(ids.Select(id => new MessageUpdate(new WaMessageKey(chat.ToNonAd(), true, id), Status: known)).ToArray()));
            }
        }
        await session.SendAsync(StanzaAcks.For(receipt, Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
    }
}

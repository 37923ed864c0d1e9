using WaCluster.Core.Events;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.Messaging;

/// <summary>
/// Builds replies, reactions, edits and revokes the way WhatsApp clients do. Edits and revokes are protocol messages
/// whose stanza carries an <c>edit</c> attribute ("1" edit, "7" revoke by the sender, "8" revoke by a group admin).
/// </summary>
public static class MessageKinds
{
    public const string EditAttribute = "1";
    public const string SenderRevokeAttribute = "7";
    public const string AdminRevokeAttribute = "8";

    public static MessageKey KeyOf(WaMessageKey key) => new()
    {
        RemoteJid = key.RemoteJid.ToString(),
        FromMe = key.FromMe,
        Id = key.Id,
        Participant = key.Participant?.ToString() ?? string.Empty,
    };

    public static Message Reply(string text, ReceivedMessage quoted) => new()
    {
        ExtendedTextMessage = new Message.Types.ExtendedTextMessage
        {
            Text = text,
            ContextInfo = new ContextInfo
            {
                StanzaId = quoted.Key.Id,
                Participant = (quoted.Key.Participant ?? quoted.Sender).ToNonAd().ToString(),
                QuotedMessage = quoted.Message,
            },
        },
    };

    public static Message Reaction(WaMessageKey target, string emoji, DateTimeOffset now) => new()
    {
        ReactionMessage = new Message.Types.ReactionMessage { Key = KeyOf(target), Text = emoji, SenderTimestampMs = now.ToUnixTimeMilliseconds() },
    };

    public static Message Edit(WaMessageKey target, string newText, DateTimeOffset now) => new()
    {
        ProtocolMessage = new Message.Types.ProtocolMessage
        {
            Key = KeyOf(target),
            Type = Message.Types.ProtocolMessage.Types.Type.MessageEdit,
            EditedMessage = new Message { Conversation = newText },
            TimestampMs = now.ToUnixTimeMilliseconds(),
        },
    };

    public static Message Revoke(WaMessageKey target) => new()
    {
        ProtocolMessage = new Message.Types.ProtocolMessage { Key = KeyOf(target), Type = Message.Types.ProtocolMessage.Types.Type.Revoke },
    };

    public static BinaryNode WithEdit(BinaryNode stanza, string? edit) =>
        edit is null ? stanza : new BinaryNode(stanza.Tag, [.. stanza.Attributes, ("edit", edit)], [.. stanza.Children]);
}

using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;

namespace WaCluster.Engine.Events;

/// <summary>Identifies a message like Baileys' WAMessageKey: chat, direction, id and (in groups) the author.</summary>
public sealed record WaMessageKey(Jid RemoteJid, bool FromMe, string Id, Jid? Participant = null);

/// <summary>A decrypted incoming message (or our own, sent from another of our devices).</summary>
public sealed record ReceivedMessage(WaMessageKey Key, Message Message, Jid Sender, string? PushName, DateTimeOffset Timestamp)
{
    /// <summary>The text of a plain or extended text message (WhatsApp Web sends the latter), else null.</summary>
    public string? Text => Message.HasConversation ? Message.Conversation : Message.ExtendedTextMessage?.Text;
}

/// <summary>Baileys' <c>messages.upsert</c> of type "notify": new messages, already persisted and acknowledged.</summary>
public sealed record MessagesUpsert(IReadOnlyList<ReceivedMessage> Messages) : EngineEvent("messages.upsert");

using WaCluster.Core.Stanzas;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using ProtocolType = WaCluster.Protocol.Proto.Message.Types.ProtocolMessage.Types.Type;

namespace WaCluster.Core.Events;

/// <summary>Identifies a message like Baileys' WAMessageKey: chat, direction, id and (in groups) the author.</summary>
public sealed record WaMessageKey(Jid RemoteJid, bool FromMe, string Id, Jid? Participant = null);

/// <summary>
/// A decrypted incoming message (or our own, sent from another of our devices), its content out of its wrappers:
/// <see cref="Expiration"/> is the disappearing timer (seconds) it was sent under, <see cref="ViewOnce"/> that it came
/// as view-once. One from status@broadcast is a status (<see cref="IsStatus"/>), never a chat message.
/// <see cref="Sender"/> is the device as the stanza names it; <see cref="SenderPn"/> and <see cref="SenderLid"/> are its
/// phone-number and LID forms where known, so a subscriber can key a chat by phone number whichever form it came in.
/// </summary>
public sealed record ReceivedMessage(WaMessageKey Key, Message Message, Jid Sender, string? PushName, DateTimeOffset Timestamp,
    uint? Expiration = null, bool ViewOnce = false, Jid? SenderPn = null, Jid? SenderLid = null)
{
    public bool IsStatus => Key.RemoteJid.IsStatusBroadcast;

    /// <summary>
    /// A protocol message between our own devices (app-state keys, history sync, peer data operations): the engine
    /// handles it, and it is never a message of any chat.
    /// </summary>
    public bool IsBetweenOwnDevices => Key.FromMe && Message.ProtocolMessage?.Type is ProtocolType.AppStateSyncKeyShare
        or ProtocolType.AppStateSyncKeyRequest or ProtocolType.HistorySyncNotification or ProtocolType.PeerDataOperationRequestMessage
        or ProtocolType.PeerDataOperationRequestResponseMessage or ProtocolType.InitialSecurityNotificationSettingSync
        or ProtocolType.AppStateFatalExceptionNotification or ProtocolType.LidMigrationMappingSync;

    /// <summary>The text of a plain or extended text message (WhatsApp Web sends the latter), else null.</summary>
    public string? Text => Message.HasConversation ? Message.Conversation : Message.ExtendedTextMessage?.Text;
}

/// <summary>A status posted by <see cref="Status"/>'s sender and shown to us (a message to status@broadcast that listed us).</summary>
public sealed record StatusReceived(ReceivedMessage Status) : EngineEvent("status.received");

/// <summary>Baileys' <c>messages.upsert</c> of type "notify": new messages, already persisted and acknowledged.</summary>
public sealed record MessagesUpsert(IReadOnlyList<ReceivedMessage> Messages) : EngineEvent("messages.upsert");

/// <summary>
/// Baileys' <c>messages.update</c>: a known message changed: delivery status from a receipt, new content from an
/// edit, or revoked.
/// </summary>
public sealed record MessageUpdate(WaMessageKey Key, ReceiptStatus? Status = null, Message? EditedMessage = null, bool Revoked = false);

public sealed record MessagesUpdate(IReadOnlyList<MessageUpdate> Updates) : EngineEvent("messages.update");

/// <summary>Baileys' <c>message-receipt.update</c>: a group member's receipt (<see cref="Status"/>) for one of our group messages.</summary>
public sealed record MessageReceiptUpdate(WaMessageKey Key, Jid User, ReceiptStatus Status, DateTimeOffset Timestamp) : EngineEvent("message-receipt.update");

/// <summary>Baileys' <c>messages.reaction</c>: a reaction (empty text removes it) by <see cref="Sender"/> on <see cref="Target"/>.</summary>
public sealed record MessagesReaction(WaMessageKey Target, Jid Sender, string Text) : EngineEvent("messages.reaction");

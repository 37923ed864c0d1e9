using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.Events;

/// <summary>A chat as history sync lists it: its id, name (groups), unread count and time of its last message.</summary>
public sealed record HistoryChat(Jid Id, string? Name, uint UnreadCount, DateTimeOffset? LastMessageAt);

/// <summary>
/// Baileys' <c>messaging-history.set</c>: one history chunk the phone sent, downloaded, verified and persisted as
/// processed. <see cref="Contacts"/> are the chats' ids (with their names) and the push names the chunk carries.
/// </summary>
public sealed record HistorySynced(
    HistorySync.Types.HistorySyncType SyncType,
    uint ChunkOrder,
    uint Progress,
    IReadOnlyList<HistoryChat> Chats,
    IReadOnlyList<ContactInfo> Contacts,
    IReadOnlyList<WebMessageInfo> Messages) : EngineEvent("messaging-history.set")
{
    public override string ToString() =>
        $"HistorySynced({SyncType} #{ChunkOrder}, {Progress}%, {Chats.Count} chats, {Contacts.Count} contacts, {Messages.Count} messages)";
}

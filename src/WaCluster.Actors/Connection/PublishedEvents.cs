using Google.Protobuf;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.Core.Events;
using WaCluster.Core.Stanzas;
using WaCluster.Core.Groups;
using EngineGroupJoined = WaCluster.Core.Events.GroupJoined;
using EngineGroupsUpdate = WaCluster.Core.Events.GroupsUpdate;
using EngineLidMappingUpdated = WaCluster.Core.Events.LidMappingUpdated;

namespace WaCluster.Actors.Connection;

/// <summary>
/// Engine events that become contract events without being persisted: receipts for our messages, group changes,
/// presences, contacts and history chunks.
/// (Received messages, reactions, edits and revokes are messages: they travel with their state change instead.)
/// </summary>
internal static class PublishedEvents
{
    public static IEnumerable<IAccountEvent>? From(string accountId, EngineEvent engineEvent) => engineEvent switch
    {
        MessagesUpdate updates => updates.Updates
            .Where(update => update.Key.FromMe && update.Status is not null)
            .Select(update => new MessageStatusChanged
            {
                AccountId = accountId,
                ChatJid = update.Key.RemoteJid.ToString(),
                MessageId = update.Key.Id,
                Status = StatusOf(update.Status!.Value),
            }),
        MessageReceiptUpdate receipt =>
        [
            new MessageStatusChanged
            {
                AccountId = accountId,
                ChatJid = receipt.Key.RemoteJid.ToString(),
                MessageId = receipt.Key.Id,
                Status = StatusOf(receipt.Status),
                ParticipantJid = receipt.User.ToString(),
            },
        ],
        GroupsUpsert upsert => upsert.Groups.Select(group => new GroupChanged
        {
            AccountId = accountId,
            GroupJid = group.Id.ToString(),
            Change = GroupChange.Created,
            AuthorJid = group.Owner?.ToString() ?? "",
            Subject = group.Subject,
            ParticipantJids = { group.Participants.Select(member => member.Jid.ToString()) },
        }),
        EngineGroupJoined joined =>
        [
            new WaCluster.Contracts.Proto.GroupJoined
            {
                AccountId = accountId,
                GroupJid = joined.Group.Id.ToString(),
                Subject = joined.Group.Subject,
                OwnerJid = joined.Group.Owner?.ToString() ?? "",
                Participants = { joined.Group.Participants.Select(GroupCommands.MemberOf) },
                AddressingMode = joined.Group.AddressingMode == GroupAddressingMode.Lid ? "lid" : "pn",
                AuthorJid = joined.Author?.ToString() ?? "",
                AuthorPnJid = joined.AuthorPn?.ToString() ?? "",
                Description = joined.Group.Description ?? "",
                Announce = joined.Group.Announce,
                Locked = joined.Group.Restrict,
                EphemeralSeconds = (uint)Math.Max(0, joined.Group.EphemeralDuration ?? 0),
            },
        ],
        EngineGroupsUpdate update => GroupUpdates(accountId, update),
        GroupParticipantsUpdate participants when ParticipantsChange(participants.Action) is var change and not GroupChange.Unspecified =>
        [
            new GroupChanged
            {
                AccountId = accountId,
                GroupJid = participants.Id.ToString(),
                Change = change,
                AuthorJid = participants.Author?.ToString() ?? "",
                ParticipantJids = { participants.Participants.Select(jid => jid.ToString()) },
            },
        ],
        PresenceUpdate presence => presence.Presences.Select(pair => new PresenceChanged
        {
            AccountId = accountId,
            ChatJid = presence.Id.ToString(),
            ParticipantJid = pair.Key.ToString(),
            Presence = pair.Value.LastKnownPresence,
            LastSeenUnixSeconds = pair.Value.LastSeen?.ToUnixTimeSeconds() ?? 0,
        }),
        ContactsUpsert contacts =>
        [
            new ContactsChanged
            {
                AccountId = accountId,
                Contacts =
                {
                    contacts.Contacts.Select(ContactOf),
                },
            },
        ],
        HistorySynced history =>
        [
            new HistoryChunkSynced
            {
                AccountId = accountId,
                SyncType = (uint)history.SyncType,
                ChunkOrder = history.ChunkOrder,
                Progress = history.Progress,
                Chats =
                {
                    history.Chats.Select(chat => new HistoryChatSeen
                    {
                        Jid = chat.Id.ToString(), Name = chat.Name ?? "", UnreadCount = chat.UnreadCount,
                        LastMessageUnixSeconds = chat.LastMessageAt?.ToUnixTimeSeconds() ?? 0,
                    }),
                },
                Contacts = { history.Contacts.Select(ContactOf) },
                Messages = { history.Messages.Select(message => message.ToByteString()) },
            },
        ],
        EngineLidMappingUpdated mapping =>
        [
            new Contracts.Proto.LidMappingUpdated { AccountId = accountId, PnJid = mapping.Pn.ToString(), LidJid = mapping.Lid.ToString() },
        ],
        // Measured, not published: server acks and retry receipts feed the metrics, errors the log (EngineConnection);
        // received messages and statuses, reactions, edits and revokes reach subscribers from the account's journal writes (the
        // hosted engine does not emit them); QR and connection news travel as Link* messages.
        MessageServerAck or RetryReceiptSent or RetryReceiptReceived or EngineError or ConnectionUpdate or MessagesUpsert or MessagesReaction
            or StatusReceived => [],
        // Not published yet: app state changes get their contract events once the engine syncs against a server that serves them.
        AppStateUpdate => [],
        // A kind of event (or a participant action) this table does not know yet: the caller reports it rather than drop it unseen.
        _ => null,
    };

    private static ContactSeen ContactOf(ContactInfo contact) => new()
    {
        Jid = contact.Id.ToString(), PushName = contact.Notify ?? "", LidJid = contact.Lid?.ToString() ?? "",
    };

    // One groups.update may name several changes: each kind becomes its own event.
    private static IEnumerable<IAccountEvent> GroupUpdates(string accountId, EngineGroupsUpdate update)
    {
        GroupChanged Changed(GroupChange change) => new()
        {
            AccountId = accountId,
            GroupJid = update.Id.ToString(),
            Change = change,
            AuthorJid = update.Author?.ToString() ?? "",
        };
        if (update.Subject is { } subject)
        {
            var changed = Changed(GroupChange.Subject);
            changed.Subject = subject;
            yield return changed;
        }
        if (update.Description is { } description)
        {
            var changed = Changed(GroupChange.Description);
            changed.Description = description;
            yield return changed;
        }
        if (update.Announce is not null || update.Restrict is not null || update.EphemeralDuration is not null)
        {
            var changed = Changed(GroupChange.Settings);
            changed.Announce = update.Announce ?? false;
            changed.Locked = update.Restrict ?? false;
            changed.EphemeralSeconds = (uint)Math.Max(0, update.EphemeralDuration ?? 0);
            yield return changed;
        }
    }

    private static MessageStatus StatusOf(ReceiptStatus status) => status switch
    {
        ReceiptStatus.Delivered => MessageStatus.Delivered,
        ReceiptStatus.Read => MessageStatus.Read,
        ReceiptStatus.Played => MessageStatus.Played,
        _ => MessageStatus.Unspecified,
    };

    private static GroupChange ParticipantsChange(string action) => action switch
    {
        "add" => GroupChange.Add,
        "remove" => GroupChange.Remove,
        "promote" => GroupChange.Promote,
        "demote" => GroupChange.Demote,
        _ => GroupChange.Unspecified,
    };
}

using WaCluster.Core.Events;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using Operation = WaCluster.Protocol.Proto.SyncdMutation.Types.SyncdOperation;

namespace WaCluster.Core.AppState;

/// <summary>
/// Reads a verified mutation into what it means. The value says which action it is; the index (action name, then
/// chat, message id, from-me flag and participant, or label id) says what it is about, as WhatsApp's clients write it.
/// A known action whose index lacks what it names is malformed input, a typed <see cref="AppStateException"/>.
/// </summary>
public static class AppStateActions
{
    public static AppStateChange Read(string collection, DecodedMutation mutation)
    {
        var value = mutation.Data.Value ?? new SyncActionValue();
        var index = mutation.Index;
        var removed = mutation.Operation == Operation.Remove;
        DateTimeOffset? at = value.HasTimestamp ? DateTimeOffset.FromUnixTimeMilliseconds(value.Timestamp) : null;
        return value switch
        {
            { ArchiveChatAction: { } archive } => new ChatArchived(collection, at, removed, ChatOf(index), archive.Archived),
            { MuteAction: { } mute } => new ChatMuted(collection, at, removed, ChatOf(index),
                mute.Muted ? DateTimeOffset.FromUnixTimeMilliseconds(mute.MuteEndTimestamp) : null),
            { PinAction: { } pin } => new ChatPinned(collection, at, removed, ChatOf(index), pin.Pinned),
            { MarkChatAsReadAction: { } read } => new ChatMarkedRead(collection, at, removed, ChatOf(index), read.Read),
            { DeleteChatAction: not null } => new ChatDeleted(collection, at, removed, ChatOf(index)),
            { ClearChatAction: not null } => new ChatCleared(collection, at, removed, ChatOf(index)),
            { StarAction: { } star } => new MessageStarred(collection, at, removed, MessageOf(index), star.Starred),
            { DeleteMessageForMeAction: not null } => new MessageDeletedForMe(collection, at, removed, MessageOf(index)),
            { ContactAction: { } contact } => new ContactNamed(collection, at, removed, ChatOf(index), NullIfEmpty(contact.FullName),
                NullIfEmpty(contact.FirstName), Jid.TryParse(contact.LidJid, out var lid) ? lid : null),
            { PushNameSetting: { } pushName } => new PushNameSet(collection, at, removed, pushName.Name),
            { LabelEditAction: { } label } => new LabelEdited(collection, at, removed, Part(index, 1), label.Name, label.Color, label.Deleted),
            { LabelAssociationAction: { } association } => new LabelAssociated(collection, at, removed, Part(index, 1), JidAt(index, 2),
                index[0] == "label_message" ? Part(index, 3) : null, association.Labeled),
            { LocaleSetting: { } locale } => new LocaleSet(collection, at, removed, locale.Locale),
            _ => new OtherAppStateChange(collection, at, removed, index),
        };
    }

    private static Jid ChatOf(IReadOnlyList<string> index) => JidAt(index, 1);

    // star and deleteMessageForMe: [action, chat, message id, "1" when from me, participant or "0"].
    private static AppStateMessageRef MessageOf(IReadOnlyList<string> index) =>
        new(JidAt(index, 1), Part(index, 2), Part(index, 3) == "1",
            index.Count > 4 && index[4] != "0" && Jid.TryParse(index[4], out var participant) ? participant : null);

    private static Jid JidAt(IReadOnlyList<string> index, int position) =>
        Jid.TryParse(Part(index, position), out var jid) ? jid
            : throw new AppStateException(AppStateError.MalformedAction, $"the {index[0]} index names '{index[position]}', not a JID");

    private static string Part(IReadOnlyList<string> index, int position) =>
        position < index.Count && index[position].Length > 0 ? index[position]
            : throw new AppStateException(AppStateError.MalformedAction, $"the index of a {(index.Count > 0 ? index[0] : "nameless")} action lacks part {position}");

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

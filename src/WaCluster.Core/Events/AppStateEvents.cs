using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Events;

/// <summary>
/// One app state mutation as our devices meant it (the record's index names the chat, message or label; its value
/// says what changed). <see cref="Timestamp"/> is when the device that wrote it made the change; <see cref="Removed"/>
/// marks a record taken out of the collection rather than set.
/// </summary>
public abstract record AppStateChange(string Collection, DateTimeOffset? Timestamp, bool Removed);

public sealed record ChatArchived(string Collection, DateTimeOffset? Timestamp, bool Removed, Jid Chat, bool Archived) : AppStateChange(Collection, Timestamp, Removed);

/// <summary>A chat muted until <see cref="MutedUntil"/> (null: unmuted).</summary>
public sealed record ChatMuted(string Collection, DateTimeOffset? Timestamp, bool Removed, Jid Chat, DateTimeOffset? MutedUntil) : AppStateChange(Collection, Timestamp, Removed);

public sealed record ChatPinned(string Collection, DateTimeOffset? Timestamp, bool Removed, Jid Chat, bool Pinned) : AppStateChange(Collection, Timestamp, Removed);

/// <summary>A chat marked read (<see cref="Read"/>) or unread.</summary>
public sealed record ChatMarkedRead(string Collection, DateTimeOffset? Timestamp, bool Removed, Jid Chat, bool Read) : AppStateChange(Collection, Timestamp, Removed);

public sealed record ChatDeleted(string Collection, DateTimeOffset? Timestamp, bool Removed, Jid Chat) : AppStateChange(Collection, Timestamp, Removed);

public sealed record ChatCleared(string Collection, DateTimeOffset? Timestamp, bool Removed, Jid Chat) : AppStateChange(Collection, Timestamp, Removed);

/// <summary>A message of a chat, as app state names it: its id, whether we sent it, and the group member who did.</summary>
public sealed record AppStateMessageRef(Jid Chat, string Id, bool FromMe, Jid? Participant);

public sealed record MessageStarred(string Collection, DateTimeOffset? Timestamp, bool Removed, AppStateMessageRef Message, bool Starred) : AppStateChange(Collection, Timestamp, Removed);

public sealed record MessageDeletedForMe(string Collection, DateTimeOffset? Timestamp, bool Removed, AppStateMessageRef Message) : AppStateChange(Collection, Timestamp, Removed);

/// <summary>A contact's name in our phone's address book (<c>contactAction</c>), with its LID when the phone knows it.</summary>
public sealed record ContactNamed(string Collection, DateTimeOffset? Timestamp, bool Removed, Jid Contact, string? FullName, string? FirstName, Jid? Lid)
    : AppStateChange(Collection, Timestamp, Removed);

/// <summary>Our own push name, as set on one of our devices.</summary>
public sealed record PushNameSet(string Collection, DateTimeOffset? Timestamp, bool Removed, string Name) : AppStateChange(Collection, Timestamp, Removed);

public sealed record LabelEdited(string Collection, DateTimeOffset? Timestamp, bool Removed, string LabelId, string Name, int Color, bool Deleted)
    : AppStateChange(Collection, Timestamp, Removed);

/// <summary>A label put on (or taken off) a chat, or a message of it when <see cref="MessageId"/> is set.</summary>
public sealed record LabelAssociated(string Collection, DateTimeOffset? Timestamp, bool Removed, string LabelId, Jid Chat, string? MessageId, bool Labeled)
    : AppStateChange(Collection, Timestamp, Removed);

public sealed record LocaleSet(string Collection, DateTimeOffset? Timestamp, bool Removed, string Locale) : AppStateChange(Collection, Timestamp, Removed);

/// <summary>A mutation of a kind not read into its own type yet (other settings among them): its index, so it stays visible.</summary>
public sealed record OtherAppStateChange(string Collection, DateTimeOffset? Timestamp, bool Removed, IReadOnlyList<string> Index) : AppStateChange(Collection, Timestamp, Removed);

/// <summary>
/// The changes one sync of a collection applied, in order (chat, contact, label and setting updates, which Baileys
/// spreads over <c>chats.update</c>, <c>contacts.upsert</c>, <c>labels.*</c>, <c>messages.delete</c> and
/// <c>creds.update</c>); <see cref="FromSnapshot"/> when they restate a whole snapshot.
/// </summary>
public sealed record AppStateUpdate(string Collection, bool FromSnapshot, IReadOnlyList<AppStateChange> Changes) : EngineEvent("app-state.update");

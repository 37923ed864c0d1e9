using WaCluster.Core.Groups;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Events;

/// <summary>Baileys' <c>groups.upsert</c>: groups we were added to or created, with their metadata.</summary>
public sealed record GroupsUpsert(IReadOnlyList<GroupMetadata> Groups) : EngineEvent("groups.upsert");

/// <summary>
/// Someone else added us to group <see cref="Group"/> (whatsmeow's JoinedGroup), told by the group's create
/// notification with its full metadata; <see cref="Author"/> (with <see cref="AuthorPn"/> in a LID group) added us.
/// </summary>
public sealed record GroupJoined(GroupMetadata Group, Jid? Author, Jid? AuthorPn) : EngineEvent("group.joined");

/// <summary>
/// Baileys' <c>groups.update</c>: what changed in group <see cref="Id"/>, by <see cref="Author"/>; fields not part of
/// the change are null. <see cref="Description"/> is empty when the description was removed; <see cref="Announce"/>
/// means only admins send, <see cref="Restrict"/> only admins edit the group info; <see cref="EphemeralDuration"/> is
/// the disappearing-messages timer in seconds, 0 when turned off.
/// </summary>
public sealed record GroupsUpdate(Jid Id, Jid? Author, string? Subject = null, string? Description = null, bool? Announce = null,
    bool? Restrict = null, int? EphemeralDuration = null) : EngineEvent("groups.update");

/// <summary>
/// Baileys' <c>group-participants.update</c>: members added, removed, promoted or demoted by <see cref="Author"/>.
/// <see cref="Members"/> names each of <see cref="Participants"/> with its other form when the server gave it
/// (phone number in a LID group, LID in a PN group); <see cref="AuthorPn"/> is the author's phone number in a LID group.
/// </summary>
public sealed record GroupParticipantsUpdate(Jid Id, Jid? Author, IReadOnlyList<Jid> Participants, string Action,
    IReadOnlyList<GroupParticipant>? Members = null, Jid? AuthorPn = null) : EngineEvent("group-participants.update");

using WaCluster.Core.Groups;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Events;

/// <summary>Baileys' <c>groups.upsert</c>: groups we were added to or created, with their metadata.</summary>
public sealed record GroupsUpsert(IReadOnlyList<GroupMetadata> Groups) : EngineEvent("groups.upsert");

/// <summary>
/// Baileys' <c>groups.update</c>: what changed in group <see cref="Id"/>, by <see cref="Author"/>; fields not part of
/// the change are null. <see cref="Description"/> is empty when the description was removed; <see cref="Announce"/>
/// means only admins send, <see cref="Restrict"/> only admins edit the group info; <see cref="EphemeralDuration"/> is
/// the disappearing-messages timer in seconds, 0 when turned off.
/// </summary>
public sealed record GroupsUpdate(Jid Id, Jid? Author, string? Subject = null, string? Description = null, bool? Announce = null,
    bool? Restrict = null, int? EphemeralDuration = null) : EngineEvent("groups.update");

/// <summary>Baileys' <c>group-participants.update</c>: members added, removed, promoted or demoted by <see cref="Author"/>.</summary>
public sealed record GroupParticipantsUpdate(Jid Id, Jid? Author, IReadOnlyList<Jid> Participants, string Action) : EngineEvent("group-participants.update");

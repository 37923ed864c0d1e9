using WaCluster.Engine.Groups;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Events;

/// <summary>Baileys' <c>groups.upsert</c>: groups we were added to or created, with their metadata.</summary>
public sealed record GroupsUpsert(IReadOnlyList<GroupMetadata> Groups) : EngineEvent("groups.upsert");

/// <summary>Baileys' <c>groups.update</c>: a changed subject (null when not part of the change).</summary>
public sealed record GroupsUpdate(Jid Id, string? Subject, Jid? Author) : EngineEvent("groups.update");

/// <summary>Baileys' <c>group-participants.update</c>: members added, removed, promoted or demoted by <see cref="Author"/>.</summary>
public sealed record GroupParticipantsUpdate(Jid Id, Jid? Author, IReadOnlyList<Jid> Participants, string Action) : EngineEvent("group-participants.update");

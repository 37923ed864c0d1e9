using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Events;

/// <summary>
/// One participant's presence as Baileys reports it: "available", "unavailable", "composing", "recording" (a paused
/// chat state reads as "available"), when they were last seen if the server told, and a group's online count.
/// </summary>
public sealed record PresenceData(string LastKnownPresence, DateTimeOffset? LastSeen = null, int? GroupOnlineCount = null);

/// <summary>Baileys' <c>presence.update</c>: presences in chat <see cref="Id"/> (a user, or a group for chat states) by participant.</summary>
public sealed record PresenceUpdate(Jid Id, IReadOnlyDictionary<Jid, PresenceData> Presences) : EngineEvent("presence.update");

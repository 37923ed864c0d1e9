using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Events;

/// <summary>
/// The account learned that phone-number user <see cref="Pn"/> is LID user <see cref="Lid"/> (Baileys'
/// <c>lid-mapping.update</c>): announced once per pair, after the pair is persisted.
/// </summary>
public sealed record LidMappingUpdated(Jid Pn, Jid Lid) : EngineEvent("lid-mapping.update");

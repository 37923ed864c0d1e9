using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Events;

/// <summary>What the engine learned of a user: their push name (<see cref="Notify"/>, as Baileys calls it) and their LID.</summary>
public sealed record ContactInfo(Jid Id, string? Notify = null, Jid? Lid = null);

/// <summary>
/// Baileys' <c>contacts.upsert</c>: contacts seen for the first time or with something new, from the push names of
/// incoming messages and from usync answers (device lists with LIDs, on-WhatsApp checks). Each contact carries all
/// that is known of it; nothing already announced is announced again.
/// </summary>
public sealed record ContactsUpsert(IReadOnlyList<ContactInfo> Contacts) : EngineEvent("contacts.upsert");

using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Usync;

/// <summary>One device of a user as usync lists it.</summary>
public sealed record UserDevice(Jid Jid, uint KeyIndex, bool IsHosted);

/// <summary>A user's devices and LID from a device query.</summary>
public sealed record UserDevices(Jid User, Jid? Lid, IReadOnlyList<UserDevice> Devices);

/// <summary>Whether a phone number has an account, as the contact query says.</summary>
public sealed record OnWhatsAppResult(Jid Jid, bool Exists);

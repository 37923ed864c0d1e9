using WaCluster.Protocol.Jids;

namespace WaCluster.Simulator.Accounts;

/// <summary>A WhatsApp account: phone number, LID, the primary phone and its linked companion devices.</summary>
public sealed class SimUser(string phoneNumber, string lid, uint advRawId, PrimaryPhone phone)
{
    private ushort _nextDeviceId = 1;
    private uint _nextKeyIndex = 1;

    public string PhoneNumber { get; } = phoneNumber;

    public string Lid { get; } = lid;

    public Jid PnJid => new(PhoneNumber, JidServer.User);

    public Jid LidJid => new(Lid, JidServer.Lid);

    /// <summary>The ADV raw id written into every device identity the phone signs.</summary>
    public uint AdvRawId { get; } = advRawId;

    public PrimaryPhone Phone { get; } = phone;

    /// <summary>What the phone decrypted; set by the directory when the user is created.</summary>
    internal PhoneInbox? Inbox { get; set; }

    /// <summary>Texts the simulated phone received and decrypted.</summary>
    public IReadOnlyList<PhoneMessage> PhoneMessages => Inbox?.Messages ?? [];

    public Dictionary<ushort, SimDevice> Companions { get; } = [];

    public string? PushName { get; set; }

    /// <summary>Available/unavailable as last announced by any of the user's devices.</summary>
    public string Presence { get; set; } = "unavailable";

    public long LastSeen { get; set; }

    /// <summary>
    /// Peers see this user by LID: their messages come from the LID with sender_pn beside it, as WhatsApp sends
    /// most chats today; false keeps the phone-number addressing.
    /// </summary>
    public bool AddressedByLid { get; set; }

    /// <summary>
    /// Devices that asked for this user's device list, with whether they asked by LID: told with a devices
    /// notification, in the namespace they asked in, when the list changes.
    /// </summary>
    public Dictionary<SimDevice, bool> DeviceListWatchers { get; } = [];

    /// <summary>Devices subscribed to this user's presence.</summary>
    public HashSet<SimDevice> PresenceSubscribers { get; } = [];

    public (ushort DeviceId, uint KeyIndex) AllocateDevice() => (_nextDeviceId++, _nextKeyIndex++);

    /// <summary>This user's JID for a device, in the PN or LID namespace.</summary>
    public Jid DeviceJid(ushort device, bool lid) => lid ? new(Lid, JidServer.Lid, device) : new(PhoneNumber, JidServer.User, device);

    /// <summary>This user's JID as its peers see it.</summary>
    public Jid AddressedJid => AddressedByLid ? LidJid : PnJid;

    public override string ToString() => $"user {PhoneNumber} ({Lid}@lid)";
}

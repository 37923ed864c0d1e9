using WaCluster.Protocol.Jids;
using WaCluster.Simulator.Accounts;

namespace WaCluster.Simulator.Groups;

/// <summary>A group chat: subject, description, settings and members with their admin rank. Guarded by the simulator's state lock.</summary>
public sealed class SimGroup(string id, SimUser creator, string subject, long creation, bool lidAddressed)
{
    public string Id { get; } = id;

    public Jid Jid => new(Id, JidServer.Group);

    public SimUser Creator { get; } = creator;

    /// <summary>Members are named by LID (addressing_mode "lid", phone number beside it) instead of by phone number.</summary>
    public bool LidAddressed { get; } = lidAddressed;

    /// <summary>A member's user JID in this group's addressing.</summary>
    public Jid MemberJid(SimUser user) => LidAddressed ? user.LidJid : user.PnJid;

    /// <summary>The same member in the other namespace, sent beside <see cref="MemberJid"/>.</summary>
    public Jid AlternateJid(SimUser user) => LidAddressed ? user.PnJid : user.LidJid;

    public long Creation { get; } = creation;

    public string Subject { get; set; } = subject;

    public SimUser SubjectOwner { get; set; } = creator;

    public long SubjectTime { get; set; } = creation;

    public string? Description { get; set; }

    public string? DescriptionId { get; set; }

    /// <summary>Only admins may send (announcement mode).</summary>
    public bool Announce { get; set; }

    /// <summary>Only admins may change subject, description and settings (locked).</summary>
    public bool Locked { get; set; }

    /// <summary>Disappearing-messages timer in seconds; 0 when off.</summary>
    public int EphemeralExpiration { get; set; }

    /// <summary>Members in join order, with their rank: "superadmin", "admin" or null.</summary>
    public List<(SimUser User, string? Rank)> Members { get; } = [];

    public bool IsMember(SimUser user) => Members.Exists(m => m.User == user);

    public bool IsAdmin(SimUser user) => Members.Exists(m => m.User == user && m.Rank is not null);

    public void SetRank(SimUser user, string? rank)
    {
        var index = Members.FindIndex(m => m.User == user);
        if (index >= 0) Members[index] = (user, rank);
    }
}

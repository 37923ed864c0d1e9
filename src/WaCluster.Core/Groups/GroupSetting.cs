namespace WaCluster.Core.Groups;

/// <summary>
/// Baileys' groupSettingUpdate values: announcement (only admins send) or not, locked (only admins edit the group
/// info) or unlocked. The wire tag of each is its Baileys name.
/// </summary>
public enum GroupSetting
{
    Announcement,
    NotAnnouncement,
    Locked,
    Unlocked,
}

internal static class GroupSettings
{
    public static string Tag(this GroupSetting setting) => setting switch
    {
        GroupSetting.Announcement => "announcement",
        GroupSetting.NotAnnouncement => "not_announcement",
        GroupSetting.Locked => "locked",
        GroupSetting.Unlocked => "unlocked",
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, null),
    };
}

using System.Globalization;
using System.Text;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Groups;

/// <summary>The w:g2 iqs: create a group, read its metadata, change its members, subject, description and settings.</summary>
internal static class GroupQueries
{
    public static BinaryNode Create(string id, string subject, string key, IEnumerable<Jid> participants) =>
        new("iq", [("id", id), ("to", "@" + JidServer.Group), ("type", "set"), ("xmlns", "w:g2")],
        [
            new BinaryNode("create", [("subject", subject), ("key", key)],
                participants.Select(p => new BinaryNode("participant", [("jid", p.ToNonAd().ToString())])).ToArray()),
        ]);

    public static BinaryNode Metadata(string id, Jid group) => Set(id, group, new BinaryNode("query", [("request", "interactive")]), type: "get");

    public static BinaryNode Participants(string id, Jid group, IEnumerable<Jid> participants, string action) =>
        Set(id, group, new BinaryNode(action, [], participants.Select(p => new BinaryNode("participant", [("jid", p.ToNonAd().ToString())])).ToArray()));

    public static BinaryNode Subject(string id, Jid group, string subject) =>
        Set(id, group, new BinaryNode("subject", [], (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(subject)));

    /// <summary>A new description under a fresh id, or its removal; <paramref name="previousId"/> names the one it replaces.</summary>
    public static BinaryNode Description(string id, Jid group, string? description, string newDescriptionId, string? previousId) =>
        Set(id, group, description is { Length: > 0 }
            ? new BinaryNode("description", [("id", newDescriptionId), ("prev", previousId)],
                [new BinaryNode("body", [], (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(description))])
            : new BinaryNode("description", [("delete", "true"), ("prev", previousId)]));

    public static BinaryNode Setting(string id, Jid group, GroupSetting setting) => Set(id, group, new BinaryNode(setting.Tag()));

    public static BinaryNode Ephemeral(string id, Jid group, int seconds) =>
        Set(id, group, seconds > 0
            ? new BinaryNode("ephemeral", [("expiration", seconds.ToString(CultureInfo.InvariantCulture))])
            : new BinaryNode("not_ephemeral"));

    public static IReadOnlyList<(Jid Participant, string? Error)> ParseParticipantsAnswer(BinaryNode answer, string action) =>
        (answer.GetChild(action) ?? throw new EngineException($"group {action} answer without <{action}>")).GetChildren("participant")
            .Select(p => (p.GetJid("jid") ?? throw new EngineException("group answer participant without a JID"), p.GetAttribute("error")))
            .ToArray();

    public static GroupMetadata ParseAnswer(BinaryNode answer) =>
        GroupMetadata.Parse(answer.GetChild("group") ?? throw new EngineException("group answer without <group>"));

    private static BinaryNode Set(string id, Jid group, BinaryNode change, string type = "set") =>
        new("iq", [("id", id), ("to", group.ToString()), ("type", type), ("xmlns", "w:g2")], [change]);
}

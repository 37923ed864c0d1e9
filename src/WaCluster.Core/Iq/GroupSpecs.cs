using System.Globalization;
using System.Text;
using WaCluster.Core.Groups;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Iq;

/// <summary>Creates a group with us as super admin (<c>w:g2</c> create); the answer is its metadata.</summary>
public sealed class GroupCreateSpec(string subject, string key, IEnumerable<Jid> participants) : IIqSpec<GroupMetadata>
{
    public BinaryNode Build(string id) =>
        new("iq", [("id", id), ("to", "@" + JidServer.Group), ("type", "set"), ("xmlns", "w:g2")],
        [
            new BinaryNode("create", [("subject", subject), ("key", key)],
                participants.Select(p => new BinaryNode("participant", [("jid", p.ToNonAd().ToString())])).ToArray()),
        ]);

    public GroupMetadata Parse(BinaryNode response) => GroupIq.ParseMetadata(response);
}

/// <summary>A group's metadata as the server has it (<c>w:g2</c> get query).</summary>
public sealed class GroupMetadataSpec(Jid group) : IIqSpec<GroupMetadata>
{
    public BinaryNode Build(string id) => GroupIq.To(id, group, new BinaryNode("query", [("request", "interactive")]), type: "get");

    public GroupMetadata Parse(BinaryNode response) => GroupIq.ParseMetadata(response);
}

/// <summary>Adds, removes, promotes or demotes members (<paramref name="action"/> is the wire tag); the answer holds an error code per participant, null when done.</summary>
public sealed class GroupParticipantsSpec(Jid group, IEnumerable<Jid> participants, string action) : IIqSpec<IReadOnlyList<(Jid Participant, string? Error)>>
{
    public BinaryNode Build(string id) =>
        GroupIq.To(id, group, new BinaryNode(action, [], participants.Select(p => new BinaryNode("participant", [("jid", p.ToNonAd().ToString())])).ToArray()));

    public IReadOnlyList<(Jid Participant, string? Error)> Parse(BinaryNode response) =>
        IqResponses.Require(response, action, "group " + action).GetChildren("participant")
            .Select(p => (p.GetJid("jid") ?? throw new IqResponseException($"group {action} answer participant without a JID"), p.GetAttribute("error")))
            .ToArray();
}

/// <summary>Renames the group.</summary>
public sealed class GroupSubjectSpec(Jid group, string subject) : IIqSpec<IqAccepted>
{
    public BinaryNode Build(string id) => GroupIq.To(id, group, new BinaryNode("subject", [], (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(subject)));

    public IqAccepted Parse(BinaryNode response) => default;
}

/// <summary>
/// A new description under the fresh id <paramref name="newDescriptionId"/>, or its removal when
/// <paramref name="description"/> is empty; <paramref name="previousId"/> names the one it replaces.
/// </summary>
public sealed class GroupDescriptionSpec(Jid group, string? description, string newDescriptionId, string? previousId) : IIqSpec<IqAccepted>
{
    public BinaryNode Build(string id) =>
        GroupIq.To(id, group, description is { Length: > 0 }
            ? new BinaryNode("description", [("id", newDescriptionId), ("prev", previousId)],
                [new BinaryNode("body", [], (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(description))])
            : new BinaryNode("description", [("delete", "true"), ("prev", previousId)]));

    public IqAccepted Parse(BinaryNode response) => default;
}

/// <summary>Who sends and who edits the group info (<see cref="GroupSetting"/>).</summary>
public sealed class GroupSettingSpec(Jid group, GroupSetting setting) : IIqSpec<IqAccepted>
{
    public BinaryNode Build(string id) => GroupIq.To(id, group, new BinaryNode(setting.Tag()));

    public IqAccepted Parse(BinaryNode response) => default;
}

/// <summary>Disappearing messages on with a timer of <paramref name="seconds"/>, or off with 0.</summary>
public sealed class GroupEphemeralSpec(Jid group, int seconds) : IIqSpec<IqAccepted>
{
    public BinaryNode Build(string id) =>
        GroupIq.To(id, group, seconds > 0
            ? new BinaryNode("ephemeral", [("expiration", seconds.ToString(CultureInfo.InvariantCulture))])
            : new BinaryNode("not_ephemeral"));

    public IqAccepted Parse(BinaryNode response) => default;
}

/// <summary>Leaves the group (<c>w:g2</c> leave, addressed to the groups server).</summary>
public sealed class GroupLeaveSpec(Jid group) : IIqSpec<IqAccepted>
{
    public BinaryNode Build(string id) =>
        new("iq", [("id", id), ("to", "@" + JidServer.Group), ("type", "set"), ("xmlns", "w:g2")],
            [new BinaryNode("leave", [], [new BinaryNode("group", [("id", group.ToString())])])]);

    public IqAccepted Parse(BinaryNode response) => default;
}

/// <summary>What the group iqs share: the <c>w:g2</c> frame addressed to the group, and the metadata answer.</summary>
file static class GroupIq
{
    public static BinaryNode To(string id, Jid group, BinaryNode change, string type = "set") =>
        new("iq", [("id", id), ("to", group.ToString()), ("type", type), ("xmlns", "w:g2")], [change]);

    public static GroupMetadata ParseMetadata(BinaryNode response) => GroupMetadata.Parse(IqResponses.Require(response, "group", "group"));
}

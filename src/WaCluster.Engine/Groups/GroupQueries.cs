using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Groups;

/// <summary>The w:g2 iqs for creating a group and reading its metadata.</summary>
internal static class GroupQueries
{
    public static BinaryNode Create(string id, string subject, string key, IEnumerable<Jid> participants) =>
        new("iq", [("id", id), ("to", "@" + JidServer.Group), ("type", "set"), ("xmlns", "w:g2")],
        [
            new BinaryNode("create", [("subject", subject), ("key", key)],
                participants.Select(p => new BinaryNode("participant", [("jid", p.ToNonAd().ToString())])).ToArray()),
        ]);

    public static BinaryNode Metadata(string id, Jid group) =>
        new("iq", [("id", id), ("to", group.ToString()), ("type", "get"), ("xmlns", "w:g2")], [new BinaryNode("query", [("request", "interactive")])]);

    public static BinaryNode Participants(string id, Jid group, IEnumerable<Jid> participants, string action) =>
        new("iq", [("id", id), ("to", group.ToString()), ("type", "set"), ("xmlns", "w:g2")],
        [
            new BinaryNode(action, [], participants.Select(p => new BinaryNode("participant", [("jid", p.ToNonAd().ToString())])).ToArray()),
        ]);

    public static IReadOnlyList<(Jid Participant, string? Error)> ParseParticipantsAnswer(BinaryNode answer, string action) =>
        (answer.GetChild(action) ?? throw new EngineException($"group {action} answer without <{action}>")).GetChildren("participant")
            .Select(p => (p.GetJid("jid") ?? throw new EngineException("group answer participant without a JID"), p.GetAttribute("error")))
            .ToArray();

    public static GroupMetadata ParseAnswer(BinaryNode answer) =>
        GroupMetadata.Parse(answer.GetChild("group") ?? throw new EngineException("group answer without <group>"));
}

using WaCluster.Core.Groups;
using WaCluster.Core.Iq;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.Iq;

/// <summary>
/// Group metadata answers (of a metadata query and of a create) read by our specs and by Baileys' extractGroupMetadata
/// (Socket/groups.js). The requests are compared with a whole client's in <see cref="BaileysClientIqRequestTests"/>.
/// </summary>
[Trait("Proof", "iq-specs")]
public sealed class GroupMetadataSpecTests(BaileysIqPeer peer) : IClassFixture<BaileysIqPeer>
{
    private static readonly Jid Group = Jid.Parse("120363000000000001@g.us");

    public static TheoryData<string> Answers => new(["full", "bare", "jid-id"]);

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task A_metadata_answer_reads_as_Baileys_reads_it(string kind)
    {
        var answer = Answer(kind);
        var theirs = await peer.Node.CallAsync<BaileysMetadata>("iq.extractGroupMetadata", new { answer = IqWire.Encode(answer) });
        Assert.Null(theirs.Error);
        AssertSame(theirs, new GroupMetadataSpec(Group).Parse(answer));
        AssertSame(theirs, new GroupCreateSpec("Team", "key", []).Parse(answer));
    }

    [Fact]
    public async Task An_answer_without_a_group_is_an_error_for_Baileys_and_a_typed_error_for_us()
    {
        var answer = new BinaryNode("iq", [("id", "g-1"), ("type", "result")]);
        Assert.NotNull((await peer.Node.CallAsync<BaileysMetadata>("iq.extractGroupMetadata", new { answer = IqWire.Encode(answer) })).Error);
        Assert.Throws<IqResponseException>(() => new GroupMetadataSpec(Group).Parse(answer));
        var noId = new BinaryNode("iq", [("id", "g-1"), ("type", "result")], [new BinaryNode("group", [("subject", "x")])]);
        Assert.NotNull((await peer.Node.CallAsync<BaileysMetadata>("iq.extractGroupMetadata", new { answer = IqWire.Encode(noId) })).Error);
        Assert.ThrowsAny<Core.EngineException>(() => new GroupMetadataSpec(Group).Parse(noId));
    }

    private static void AssertSame(BaileysMetadata theirs, GroupMetadata ours)
    {
        Assert.Equal(Jid.Parse(theirs.Id), ours.Id);
        Assert.Equal(theirs.Subject ?? "", ours.Subject);
        Assert.Equal(theirs.Owner is null ? null : Jid.Parse(theirs.Owner), ours.Owner);
        Assert.Equal(theirs.Creation ?? 0, ours.Creation.ToUnixTimeSeconds());
        Assert.Equal((theirs.Desc, theirs.DescId), (ours.Description, ours.DescriptionId));
        Assert.Equal((theirs.Announce, theirs.Restrict, theirs.EphemeralDuration), (ours.Announce, ours.Restrict, ours.EphemeralDuration));
        Assert.Equal(theirs.Participants.Select(p => (Jid.Parse(p.Id), p.Lid is null ? (Jid?)null : Jid.Parse(p.Lid), p.Admin)),
            ours.Participants.Select(p => (p.Jid, p.Lid, p.Admin)));
    }

    // Answers shaped as the server sends them (the simulator's GroupNodes): every field, none, and an id with its server.
    private static BinaryNode Answer(string kind)
    {
        BinaryNode group = kind switch
        {
            "full" => new BinaryNode("group",
                [("id", "120363000000000001"), ("creator", "15550001@s.whatsapp.net"), ("creation", "1700000000"), ("subject", "Team ✓"),
                    ("s_t", "1700000001"), ("s_o", "15550001@s.whatsapp.net"), ("size", "3")],
                [
                    new BinaryNode("participant", [("jid", "15550001@s.whatsapp.net"), ("lid", "111@lid"), ("type", "superadmin")]),
                    new BinaryNode("participant", [("jid", "15550002@s.whatsapp.net"), ("lid", "222@lid"), ("type", "admin")]),
                    new BinaryNode("participant", [("jid", "15550003@s.whatsapp.net")]),
                    new BinaryNode("description", [("id", "DESC01"), ("participant", "15550001@s.whatsapp.net"), ("t", "1700000002")],
                        [new BinaryNode("body", [], (ReadOnlyMemory<byte>)"About us\nline two"u8.ToArray())]),
                    new BinaryNode("announcement"),
                    new BinaryNode("locked"),
                    new BinaryNode("ephemeral", [("expiration", "604800")]),
                ]),
            "bare" => new BinaryNode("group", [("id", "120363000000000001"), ("creation", "1700000000"), ("subject", "s")],
                [new BinaryNode("participant", [("jid", "15550001@s.whatsapp.net")])]),
            _ => new BinaryNode("group", [("id", Group.ToString()), ("creation", "1"), ("subject", "")]),
        };
        return new BinaryNode("iq", [("id", "g-1"), ("type", "result"), ("from", "g.us")], [group]);
    }

    private sealed record BaileysMetadata(string? Error, string Id, string? Subject, string? Owner, long? Creation, string? Desc, string? DescId,
        bool Announce, bool Restrict, int? EphemeralDuration, BaileysParticipant[] Participants);

    private sealed record BaileysParticipant(string Id, string? Lid, string? Admin);
}

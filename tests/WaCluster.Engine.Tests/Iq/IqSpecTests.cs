using WaCluster.Core;
using WaCluster.Core.Connection;
using WaCluster.Core.Creds;
using WaCluster.Core.Groups;
using WaCluster.Core.Iq;
using WaCluster.Core.Keys;
using WaCluster.Core.Media;
using WaCluster.Core.Messaging;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.Iq;

/// <summary>The read side of every iq spec: error answers, and results that lack what the spec needs, are typed errors.</summary>
public sealed class IqSpecTests
{
    private static readonly Jid Group = Jid.Parse("123-456@g.us");
    private static readonly Jid Member = Jid.Parse("15550001@s.whatsapp.net");

    public static TheoryData<string> SpecNames => new(Specs().Select(s => s.Name));

    [Theory]
    [MemberData(nameof(SpecNames))]
    public void Every_request_carries_the_id_it_was_built_with(string name)
    {
        var request = Spec(name).Build("id-7");
        Assert.Equal(("iq", "id-7"), (request.Tag, request.GetAttribute("id")));
        Assert.Contains(request.GetAttribute("type"), new[] { "get", "set" });
        Assert.NotNull(request.GetAttribute("xmlns"));
    }

    [Theory]
    [MemberData(nameof(SpecNames))]
    public void An_error_answer_is_one_typed_error_with_the_servers_code(string name)
    {
        var answer = new BinaryNode("iq", [("id", "e-1"), ("type", "error")], [new BinaryNode("error", [("code", "406"), ("text", "not-acceptable")])]);
        var error = Assert.Throws<IqErrorException>(() => Read(Spec(name), answer));
        Assert.Equal(("e-1", 406), (error.Id, error.Code));
        Assert.Contains("not-acceptable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_answer_without_a_readable_code_counts_as_500()
    {
        var noChild = new BinaryNode("iq", [("id", "e-2"), ("type", "error")]);
        Assert.Equal(500, Assert.Throws<IqErrorException>(() => Read(new PingSpec(), noChild)).Code);
        var badCode = new BinaryNode("iq", [("id", "e-3"), ("type", "error")], [new BinaryNode("error", [("code", "-1")])]);
        Assert.Equal(500, Assert.Throws<IqErrorException>(() => Read(new PingSpec(), badCode)).Code);
    }

    [Fact]
    public void Group_answers_without_their_group_or_action_are_typed_errors()
    {
        Assert.Throws<IqResponseException>(() => Read(new GroupMetadataSpec(Group), Result()));
        Assert.Throws<IqResponseException>(() => Read(new GroupCreateSpec("s", "k", [Member]), Result(new BinaryNode("groups"))));
        Assert.Throws<EngineException>(() => Read(new GroupMetadataSpec(Group), Result(new BinaryNode("group"))));
        Assert.Throws<EngineException>(() => Read(new GroupMetadataSpec(Group), Result(new BinaryNode("group", [("id", "15550001@s.whatsapp.net")]))));
        var participants = new GroupParticipantsSpec(Group, [Member], "add");
        Assert.Throws<IqResponseException>(() => Read(participants, Result(new BinaryNode("remove"))));
        Assert.Throws<IqResponseException>(() => Read(participants, Result(new BinaryNode("add", [], [new BinaryNode("participant")]))));
    }

    [Fact]
    public void Group_answers_are_read_from_their_children()
    {
        var metadata = Read(new GroupMetadataSpec(Group), Result(new BinaryNode("group", [("id", "123-456"), ("subject", "Team")],
            [new BinaryNode("participant", [("jid", Member.ToString()), ("type", "admin")])])));
        Assert.Equal((Group, "Team"), (metadata.Id, metadata.Subject));
        Assert.Equal([(Member, "admin")], metadata.Participants.Select(p => (p.Jid, p.Admin)));
        var answer = Read(new GroupParticipantsSpec(Group, [Member], "add"), Result(new BinaryNode("add", [],
            [new BinaryNode("participant", [("jid", Member.ToString()), ("error", "403")])])));
        Assert.Equal([(Member, (string?)"403")], answer);
    }

    [Fact]
    public void A_key_bundle_answer_without_its_list_is_a_typed_error_and_unusable_entries_are_left_out()
    {
        Assert.Throws<IqResponseException>(() => Read(new KeyBundleFetchSpec([Member]), Result()));
        var answer = Result(new BinaryNode("list", [],
        [
            new BinaryNode("user", [("jid", "not a jid")]),
            new BinaryNode("user", [("jid", Member.ToString())], [new BinaryNode("error", [("code", "404")])]),
            new BinaryNode("user", [("jid", "15550002@s.whatsapp.net")], [new BinaryNode("registration", [], (ReadOnlyMemory<byte>)new byte[3])]),
        ]));
        Assert.Empty(Read(new KeyBundleFetchSpec([Member]), answer));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("x")]
    [InlineData("-4")]
    public void A_pre_key_count_answer_without_a_count_is_a_typed_error(string? value)
    {
        var answer = value is null ? Result() : Result(new BinaryNode("count", [("value", value)]));
        Assert.Throws<EngineException>(() => Read(new PreKeyCountSpec(), answer));
        Assert.Equal(17, Read(new PreKeyCountSpec(), Result(new BinaryNode("count", [("value", "17")]))));
    }

    [Fact]
    public void A_media_conn_answer_without_media_conn_is_a_typed_error()
    {
        Assert.Throws<MediaTransferException>(() => Read(new MediaConnSpec(DateTimeOffset.UnixEpoch), Result()));
        Assert.Throws<MediaTransferException>(() => Read(new MediaConnSpec(DateTimeOffset.UnixEpoch), Result(new BinaryNode("media_conn", [("auth", "a")]))));
    }

    private static T Read<T>(IIqSpec<T> spec, BinaryNode answer) => IqResponses.Read(spec, answer.GetAttribute("id") ?? "r-1", answer);

    private static BinaryNode Result(params BinaryNode[] children) => new("iq", [("id", "r-1"), ("type", "result")], children);

    private static IIqSpec<object> Spec(string name) => Specs().Single(s => s.Name == name).Spec;

    // Every spec the engine sends, boxed so one theory covers them all.
    internal static IEnumerable<(string Name, IIqSpec<object> Spec)> Specs()
    {
        var creds = AuthCreds.CreateNew();
        yield return Box(new PingSpec());
        yield return Box(new PassiveActiveSpec());
        yield return Box(new RemoveCompanionDeviceSpec("15550001:2@s.whatsapp.net"));
        yield return Box(new UsyncDevicesSpec("s", [Member]));
        yield return Box(new UsyncContactsSpec("s", ["15550001"]));
        yield return Box(new KeyBundleFetchSpec([Member]));
        yield return Box(new PreKeyCountSpec());
        yield return Box(new PreKeyUploadSpec(creds, PreKeyUpload.Prepare(creds, 2).PreKeys));
        yield return Box(new MediaConnSpec(DateTimeOffset.UnixEpoch));
        yield return Box(new GroupCreateSpec("s", "k", [Member]));
        yield return Box(new GroupMetadataSpec(Group));
        yield return Box(new GroupParticipantsSpec(Group, [Member], "promote"));
        yield return Box(new GroupSubjectSpec(Group, "s"));
        yield return Box(new GroupDescriptionSpec(Group, "d", "n", null));
        yield return Box(new GroupSettingSpec(Group, GroupSetting.Locked));
        yield return Box(new GroupEphemeralSpec(Group, 86400));
        yield return Box(new GroupLeaveSpec(Group));
        yield return Box(new CompanionHelloSpec(Member, new byte[80], new byte[32], new Core.Connection.BrowserDescription("Mac OS", "Chrome", "14")));
        yield return Box(new CompanionFinishSpec(Member, new byte[92], new byte[32], new byte[8]));
    }

    private static (string, IIqSpec<object>) Box<T>(IIqSpec<T> spec) => (spec.GetType().Name, new Boxed<T>(spec));

    private sealed class Boxed<T>(IIqSpec<T> inner) : IIqSpec<object>
    {
        public BinaryNode Build(string id) => inner.Build(id);

        public object Parse(BinaryNode response) => inner.Parse(response)!;
    }
}

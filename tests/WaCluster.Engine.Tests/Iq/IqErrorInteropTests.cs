using CsCheck;
using WaCluster.Core.Iq;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Tests.Iq;

/// <summary>
/// Error answers as WhatsApp sends them, read by Baileys' query() (assertNodeErrorFree) and by every one of our specs
/// through <see cref="IqResponses.Read{T}"/>: the same code and text, as our one typed error.
/// </summary>
[Trait("Proof", "iq-specs")]
public sealed class IqErrorInteropTests(BaileysIqPeer peer) : IClassFixture<BaileysIqPeer>
{
    // Codes and texts the WhatsApp server answers iqs with.
    public static TheoryData<int, string> ServerErrors => new()
    {
        { 400, "bad-request" }, { 401, "not-authorized" }, { 403, "forbidden" }, { 404, "item-not-found" }, { 406, "not-acceptable" },
        { 409, "conflict" }, { 429, "rate-overlimit" }, { 500, "internal-server-error" }, { 501, "feature-not-implemented" },
        { 503, "service-unavailable" },
    };

    [Theory]
    [MemberData(nameof(ServerErrors))]
    public async Task An_error_answer_is_our_typed_error_with_the_code_and_text_Baileys_reads(int code, string text)
    {
        var answer = new BinaryNode("iq", [("from", "s.whatsapp.net"), ("type", "error"), ("id", "e-9")],
            [new BinaryNode("error", [("code", code.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("text", text)])]);
        var theirs = await peer.Node.CallAsync<BaileysError>("iq.readError", new { answer = IqWire.Encode(answer) });
        Assert.True(theirs.Thrown);
        foreach (var (name, spec) in IqSpecTests.Specs())
        {
            var ours = Assert.Throws<IqErrorException>(() => IqResponses.Read(spec, "e-9", answer));
            Assert.True(theirs.Code == ours.Code, $"{name}: code {ours.Code}, Baileys {theirs.Code}");
            Assert.EndsWith(" " + theirs.Text, ours.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_result_is_no_error_for_Baileys_nor_for_us()
    {
        var answer = new BinaryNode("iq", [("from", "s.whatsapp.net"), ("type", "result"), ("id", "r-9")]);
        Assert.False((await peer.Node.CallAsync<BaileysError>("iq.readError", new { answer = IqWire.Encode(answer) })).Thrown);
        Assert.Equal(default, IqResponses.Read(new PingSpec(), "r-9", answer));
    }

    // Tags, attributes and values the specs read, combined at random: whatever a result holds, reading it either
    // succeeds or fails with one of our typed errors (never a null dereference, a cast or an index error).
    [Fact]
    public void Malformed_results_are_typed_errors_for_every_spec()
    {
        string[] tags = ["group", "participant", "list", "user", "usync", "devices", "device-list", "device", "lid", "contact", "count", "media_conn",
            "host", "key", "skey", "id", "value", "signature", "registration", "identity", "add", "remove", "promote", "demote", "description",
            "body", "ephemeral", "error", "locked", "announcement"];
        string[] keys = ["id", "jid", "lid", "type", "value", "val", "auth", "ttl", "hostname", "expiration", "creation", "subject", "creator",
            "key-index", "is_hosted", "error", "code", "text"];
        string[] values = ["", "0", "-1", "17", "99999999999999999999", "x", "true", "15550001@s.whatsapp.net", "123-456@g.us", "1@lid",
            "15550001:70000@s.whatsapp.net", "@g.us", "a.example", "bad host/", "\u0000"];
        var attributes = Gen.Select(Pick(keys), Pick(values)).Array[0, 4]
            .Select(pairs => pairs.DistinctBy(p => p.Item1).Select(p => new NodeAttribute(p.Item1, p.Item2)).ToArray());
        var specs = IqSpecTests.Specs().ToArray();
        Result(Node(tags, attributes, 3)).Sample(answer =>
        {
            foreach (var (name, spec) in specs)
            {
                try
                {
                    IqResponses.Read(spec, "m-1", answer);
                }
                catch (ProtocolException)
                {
                    // A typed error: what a malformed answer must give.
                }
                catch (Exception ex)
                {
                    Assert.Fail($"{name} read {answer} with {ex.GetType().Name}: {ex.Message}");
                }
            }
        }, iter: 2000);
    }

    private static Gen<T> Pick<T>(params T[] items) => Gen.Int[0, items.Length - 1].Select(i => items[i]);

    private static Gen<BinaryNode> Result(Gen<BinaryNode> child) =>
        child.Array[0, 3].Select(children => new BinaryNode("iq", [("id", "m-1"), ("type", "result")], children));

    private static Gen<BinaryNode> Node(string[] tags, Gen<NodeAttribute[]> attributes, int depth)
    {
        var leaf = Gen.OneOf(
            Gen.Select(Pick(tags), attributes, (tag, attrs) => new BinaryNode(tag, attrs)),
            Gen.Select(Pick(tags), attributes, Gen.Byte.Array[0, 70], (tag, attrs, bytes) => new BinaryNode(tag, attrs, (ReadOnlyMemory<byte>)bytes)),
            Gen.Select(Pick(tags), attributes, Pick("", "+15550001", "in", "x"), (tag, attrs, text) => new BinaryNode(tag, attrs, text)));
        if (depth == 0) return leaf;
        var inner = Gen.Select(Pick(tags), attributes, Node(tags, attributes, depth - 1).Array[0, 4],
            (tag, attrs, children) => new BinaryNode(tag, attrs, children));
        return Gen.OneOf(leaf, inner);
    }

    private sealed record BaileysError(bool Thrown, string? Text, int? Code);
}

/// <summary>Operations the simulator refuses, by a whole Baileys client: the error it raises against ours for the same answer.</summary>
[Trait("Proof", "iq-specs")]
public sealed class BaileysClientIqErrorTests() : SimulatorConversationTest(seed: 37)
{
    private const string Client = "iq-failing";

    [Theory]
    [InlineData("metadata", "w:g2", "query")]
    [InlineData("subject", "w:g2", "subject")]
    public async Task A_refused_group_operation_is_our_typed_error_with_Baileys_code_and_text(string operation, string xmlns, string child)
    {
        var stanzas = new ClientStanzaRecorder(Host.Simulator);
        await StartBaileysAsync(Client);
        await Node.CallAsync("iq.recordReceived", new { id = Client });
        var theirs = await Node.CallAsync<BaileysFailure>("iq.groupFailure", new { id = Client, operation, group = "120363999999999999@g.us" }, Slow);
        Assert.Equal((404, "item-not-found"), (theirs.Code, theirs.Text)); // the simulator knows no such group
        var request = stanzas.Iqs(xmlns, child).Single();
        var answer = IqWire.Decode(await Node.CallAsync<string>("iq.receivedAnswer", new { id = Client, iqId = request.GetAttribute("id") }));
        var spec = IqSpecTests.Specs().Single(s => s.Name == (operation == "metadata" ? nameof(GroupMetadataSpec) : nameof(GroupSubjectSpec))).Spec;
        var ours = Assert.Throws<IqErrorException>(() => IqResponses.Read(spec, request.GetAttribute("id")!, answer));
        Assert.Equal(theirs.Code, ours.Code);
        Assert.EndsWith(" " + theirs.Text, ours.Message, StringComparison.Ordinal);
    }

    private sealed record BaileysFailure(string Text, int Code);
}

using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using WaCluster.TestSupport;

namespace WaCluster.Protocol.Tests.Protos;

/// <summary>
/// Bytes cross between Baileys' generated WAProto code and ours in both directions and must carry the same values.
/// Samples are generated on each side from that side's own schema; values are compared in the canonical form each
/// side computes independently (see <see cref="Canonical"/> and handlers/proto.mjs).
/// </summary>
[Trait("Proof", "wire-proto")]
public sealed class BaileysInteropTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private const int Samples = 24;
    private const int Depth = 4;
    private static readonly string[] KnownTypes =
        OurSchema.AllMessages.Select(m => m.FullName).Concat(OurSchema.AllEnums.Select(e => e.FullName)).ToArray();
    private readonly NodeHarness _node = fixture.Node;

    public static TheoryData<string> TopLevelTypes => new(OurSchema.TopLevelMessages.Select(m => m.FullName));

    public static TheoryData<string> MessageKinds =>
        new(OurSchema.Message("proto.Message").Fields.InFieldNumberOrder().Select(f => f.Name));

    [Theory]
    [MemberData(nameof(TopLevelTypes))]
    public Task Baileys_bytes_decode_here_with_the_same_values(string type) => FromBaileys(type, only: null);

    [Theory]
    [MemberData(nameof(TopLevelTypes))]
    public Task Our_bytes_decode_in_Baileys_with_the_same_values(string type) => ToBaileys(type, only: null);

    [Theory]
    [MemberData(nameof(MessageKinds))]
    public Task Message_kind_from_Baileys_decodes_here(string kind) => FromBaileys("proto.Message", kind);

    [Theory]
    [MemberData(nameof(MessageKinds))]
    public Task Message_kind_from_us_decodes_in_Baileys(string kind) => ToBaileys("proto.Message", kind);

    private async Task FromBaileys(string type, string? only)
    {
        var descriptor = OurSchema.Message(type);
        var samples = (await _node.CallAsync("proto.samples", new { type, known = KnownTypes, count = Samples, seed = Seed(type, only), depth = Depth, only }))!.AsArray();
        Assert.Equal(Samples, samples.Count);

        var decoded = new List<IMessage>();
        foreach (var sample in samples)
        {
            var message = descriptor.Parser.ParseFrom(Convert.FromBase64String((string)sample!["bytes"]!));
            AssertSame(sample["canonical"], Canonical.Of(message), $"{type} from Baileys");
            decoded.Add(message);
        }
        AssertCovered(descriptor, samples.Select(s => s!["canonical"]!.AsObject()), only);

        // Whatever we decoded must survive our re-encoding, presence of explicit defaults included.
        var reread = (await _node.CallAsync("proto.decode", new { type, items = decoded.Select(m => m.ToByteString().ToBase64()) }))!.AsArray();
        for (var i = 0; i < Samples; i++)
        {
            AssertSame(samples[i]!["canonical"], reread[i], $"{type} from Baileys, re-encoded by us");
        }
    }

    private async Task ToBaileys(string type, string? only)
    {
        var descriptor = OurSchema.Message(type);
        var sampler = new Sampler(Seed(type, only));
        var messages = Enumerable.Range(0, Samples).Select(_ => sampler.Populate(descriptor, Depth, only)).ToArray();
        var theirs = (await _node.CallAsync("proto.decode", new { type, items = messages.Select(m => m.ToByteString().ToBase64()) }))!.AsArray();

        var ours = messages.Select(Canonical.Of).ToArray();
        for (var i = 0; i < Samples; i++)
        {
            AssertSame(ours[i], theirs[i], $"{type} from us");
        }
        AssertCovered(descriptor, ours, only);
    }

    // Every top-level field was exercised by some sample, so no field passes for lack of data.
    private static void AssertCovered(MessageDescriptor descriptor, IEnumerable<JsonObject> canonicals, string? only)
    {
        var seen = canonicals.SelectMany(c => c.Select(p => p.Key)).ToHashSet();
        var expected = only is null ? descriptor.Fields.InFieldNumberOrder().Select(f => f.Name) : [only];
        var missing = expected.Where(name => !seen.Contains(name)).ToArray();
        Assert.True(missing.Length == 0, $"{descriptor.FullName}: no sample set {string.Join(", ", missing)}");
    }

    private static void AssertSame(JsonNode? expected, JsonNode? actual, string what)
    {
        var difference = JsonDiff.FirstDifference(expected, actual);
        Assert.True(difference is null, $"{what}: {difference}");
    }

    private static int Seed(string type, string? only) =>
        $"{type}/{only}".Aggregate(17, (hash, c) => unchecked(hash * 31 + c));
}

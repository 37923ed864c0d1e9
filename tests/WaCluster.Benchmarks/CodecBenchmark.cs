using System.Diagnostics;
using System.Text.Json.Nodes;
using WaCluster.Protocol.Binary;
using WaCluster.TestSupport;

namespace WaCluster.Benchmarks;

/// <summary>
/// Encode + decode round trips of a typical outgoing message stanza (five pkmsg recipients of 220 bytes and a
/// device identity), ours and Baileys' measured in the same run. Ours slices byte content out of the frame as
/// Baileys' Buffer slices do.
/// </summary>
public sealed class CodecBenchmark : IBenchmark
{
    private const int Rounds = 5;
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(1);

    public string Name => "codec";

    public async Task RunAsync(BenchmarkReport report)
    {
        var stanza = TypicalStanza();
        var frame = BinaryEncoder.Encode(stanza);
        await using var node = await NodeHarness.StartAsync();
        var json = ToJson(stanza);

        // The machine is shared, so rates are per second of CPU the measuring process used (both sides alike), and
        // short rounds of both sides alternate, keeping each side's best round.
        double encodes = 0, decodes = 0, ours = 0, theirs = 0;
        for (var round = 0; round < Rounds; round++)
        {
            encodes = Math.Max(encodes, CpuThroughput(() => BinaryEncoder.Encode(stanza)));
            decodes = Math.Max(decodes, CpuThroughput(() => BinaryDecoder.DecodeZeroCopy(frame)));
            ours = Math.Max(ours, CpuThroughput(() => BinaryDecoder.DecodeZeroCopy(BinaryEncoder.Encode(stanza))));
            var result = await node.CallAsync("codec.benchmark", new { node = json, durationMs = (int)Round.TotalMilliseconds }, TimeSpan.FromMinutes(1));
            theirs = Math.Max(theirs, result!["opsPerCpuSecond"]!.GetValue<double>());
        }

        report.Line("codec.frame.bytes", frame.Length, "B");
        report.Line("codec.ours.encodes", encodes, "ops/s");
        report.Line("codec.ours.decodes", decodes, "ops/s");
        report.Line("codec.ours.roundtrips", ours, "ops/s");
        report.Line("codec.baileys.roundtrips", theirs, "ops/s");
        report.Line("codec.ratio", ours / theirs, "x");
    }

    /// <summary>Operations per CPU second of this process, over about one <see cref="Round"/> after a warm-up.</summary>
    private static double CpuThroughput(Action operation)
    {
        for (var i = 0; i < 20_000; i++) operation();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed < Round)
        {
            for (var i = 0; i < 256; i++) operation();
            count += 256;
        }
        process.Refresh();
        return count / (process.TotalProcessorTime - cpuBefore).TotalSeconds;
    }

    private static BinaryNode TypicalStanza()
    {
        var random = new Random(1);
        byte[] Bytes(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }

        var recipients = new BinaryNode[5];
        for (var i = 0; i < recipients.Length; i++)
        {
            recipients[i] = new BinaryNode("to", [("jid", $"5511987654{320 + i}:{i + 1}@s.whatsapp.net")],
                [new BinaryNode("enc", [("v", "2"), ("type", "pkmsg")], Bytes(220))]);
        }
        return new BinaryNode("message", [("to", "5511987654321@s.whatsapp.net"), ("id", "3EB0A1B2C3D4E5F6A7B8C9"), ("type", "text")],
        [
            new BinaryNode("participants", [], recipients),
            new BinaryNode("device-identity", [], Bytes(160)),
        ]);
    }

    /// <summary>The node in the JSON shape of tests/interop/handlers/codec.mjs.</summary>
    private static JsonObject ToJson(BinaryNode node)
    {
        var attributes = new JsonArray();
        foreach (var attribute in node.Attributes) attributes.Add(new JsonArray(attribute.Key, attribute.Value));
        var json = new JsonObject { ["tag"] = node.Tag, ["attrs"] = attributes };
        switch (node.ContentKind)
        {
            case NodeContentKind.Children:
                var children = new JsonArray();
                foreach (var child in node.Children) children.Add(ToJson(child));
                json["kind"] = "children";
                json["children"] = children;
                break;
            case NodeContentKind.Bytes:
                json["kind"] = "bytes";
                json["bytes"] = Convert.ToBase64String(node.Bytes.Span);
                break;
            case NodeContentKind.Text:
                json["kind"] = "text";
                json["text"] = node.Text;
                break;
            default:
                json["kind"] = "none";
                break;
        }
        return json;
    }
}

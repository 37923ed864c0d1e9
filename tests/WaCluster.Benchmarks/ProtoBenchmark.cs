using Google.Protobuf;
using WaCluster.Protocol.Proto;
using WaCluster.TestSupport;

namespace WaCluster.Benchmarks;

/// <summary>
/// Protobuf decode and encode rates for a typical quoted text Message and a history sync chunk (20 chats x 50
/// messages), both payloads produced by Baileys; Baileys' own WAProto decode/encode of the same bytes in the same run.
/// </summary>
public sealed class ProtoBenchmark : IBenchmark
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    public string Name => "proto";

    public async Task RunAsync(BenchmarkReport report)
    {
        await using var node = await NodeHarness.StartAsync();
        var payloads = await node.CallAsync<Payloads>("proto.benchPayloads");
        await Measure(report, node, "message", "proto.Message", Message.Parser, payloads.Message, count: 600_000);
        await Measure(report, node, "historySync", "proto.HistorySync", HistorySync.Parser, payloads.HistorySync, count: 600);
    }

    private static async Task Measure<T>(BenchmarkReport report, NodeHarness node, string name, string type, MessageParser<T> parser, string payload, int count)
        where T : IMessage<T>
    {
        var bytes = Convert.FromBase64String(payload);
        var decoded = parser.ParseFrom(bytes);
        var output = new byte[decoded.CalculateSize()];
        var ourDecode = BenchmarkReport.Throughput(() => parser.ParseFrom(bytes), Duration, warmup: 5);
        var ourEncode = BenchmarkReport.Throughput(() => decoded.WriteTo(output.AsSpan(0, decoded.CalculateSize())), Duration, warmup: 5);
        var theirs = await node.CallAsync<NodeRates>("proto.bench", new { type, bytes = payload, count }, TimeSpan.FromMinutes(5));

        report.Line($"proto.{name}.bytes", bytes.Length, "B");
        report.Line($"proto.{name}.decode.ours", ourDecode, "msg/s");
        report.Line($"proto.{name}.decode.baileys", theirs.Decode.PerSecond, "msg/s");
        report.Line($"proto.{name}.decode.ratio", ourDecode / theirs.Decode.PerSecond, "x");
        report.Line($"proto.{name}.encode.ours", ourEncode, "msg/s");
        report.Line($"proto.{name}.encode.baileys", theirs.Encode.PerSecond, "msg/s");
        report.Line($"proto.{name}.encode.ratio", ourEncode / theirs.Encode.PerSecond, "x");
    }

    private sealed record Payloads(string Message, string HistorySync);

    private sealed record NodeRate(int Count, double Seconds, double PerSecond);

    private sealed record NodeRates(NodeRate Decode, NodeRate Encode);
}

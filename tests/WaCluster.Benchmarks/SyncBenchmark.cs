using System.Diagnostics;
using WaCluster.Core.History;
using WaCluster.Protocol.Media;
using WaCluster.Simulator;
using WaCluster.TestSupport;

namespace WaCluster.Benchmarks;

/// <summary>
/// History sync: the chunks a seeded simulated phone uploads for a full-history companion (100,000 messages), read
/// by our engine's path (verify and decrypt the blob to a temporary file, then inflate and parse it conversation by
/// conversation) beside Baileys' own downloadAndProcessHistorySyncNotification over the same blobs, both served from
/// memory. Peak heap growth is sampled after each chunk, with that chunk's result still held.
/// </summary>
public sealed class SyncBenchmark : IBenchmark
{
    private const int Messages = 100_000;
    private const int Trials = 3;

    public string Name => "sync";

    public async Task RunAsync(BenchmarkReport report)
    {
        var simulator = new WaSimulator(new SimulatorOptions { HistoryMessages = Messages });
        var phone = simulator.CreateUser().Phone;
        var chunks = simulator.UploadHistory(phone, full: true)
            .Select(m => m.ProtocolMessage.HistorySyncNotification)
            .Select(n => (Notification: n, Blob: simulator.Media.Find(n.DirectPath).Blob!))
            .ToList();
        var path = Path.Combine(Path.GetTempPath(), $"sync-bench-{Guid.NewGuid():N}");
        try
        {
            await using var node = await NodeHarness.StartAsync();
            var payload = chunks.Select(c => new
            {
                directPath = c.Notification.DirectPath, mediaKey = Convert.ToBase64String(c.Notification.MediaKey.Span), blob = Convert.ToBase64String(c.Blob),
            }).ToArray();
            double ours = 0, oursPeak = 0;
            var theirs = new NodeResult(0, 0, 0);
            for (var trial = 0; trial < Trials; trial++)
            {
                var (rate, peak, read) = await ReadAllAsync(chunks, path);
                if (read != Messages) throw new InvalidOperationException($"read {read} messages, the phone sent {Messages}");
                (ours, oursPeak) = (Math.Max(ours, rate), Math.Max(oursPeak, peak));
                var result = await node.CallAsync<NodeResult>("sync.history.bench", new { chunks = payload, trials = 1 }, TimeSpan.FromMinutes(10));
                if (result.Messages != Messages) throw new InvalidOperationException($"Baileys read {result.Messages} messages, the phone sent {Messages}");
                theirs = new NodeResult(Math.Max(theirs.MessagesPerSecond, result.MessagesPerSecond), result.Messages, Math.Max(theirs.PeakHeapBytes, result.PeakHeapBytes));
            }
            report.Line("sync.history.chunks", chunks.Count, "chunks");
            report.Line("sync.history.blob", chunks.Sum(c => (double)c.Blob.Length) / (1024 * 1024), "MB");
            report.Line("sync.history.ours", ours, "messages/s");
            report.Line("sync.history.baileys", theirs.MessagesPerSecond, "messages/s");
            report.Line("sync.history.ratio", ours / theirs.MessagesPerSecond, "x");
            report.Line("sync.history.peak-heap.ours", oursPeak / (1024 * 1024), "MB");
            report.Line("sync.history.peak-heap.baileys", theirs.PeakHeapBytes / (1024 * 1024), "MB");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<(double Rate, double PeakHeap, int Messages)> ReadAllAsync(
        List<(WaCluster.Protocol.Proto.Message.Types.HistorySyncNotification Notification, byte[] Blob)> chunks, string path)
    {
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        var messages = 0;
        var watch = Stopwatch.StartNew();
        foreach (var (notification, blob) in chunks)
        {
            var location = HistoryNotifications.Locate(notification, long.MaxValue);
            await MediaDecryptor.DecryptToFileAsync(new MemoryStream(blob, writable: false), path, location.MediaKey, HistoryBlob.Type, location.Checks);
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 64 << 10, FileOptions.SequentialScan);
            var chunk = HistorySyncReader.Read(file, long.MaxValue);
            messages += chunk.Messages.Count;
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false) - baseline);
        }
        return (messages / watch.Elapsed.TotalSeconds, peak, messages);
    }

    private sealed record NodeResult(double MessagesPerSecond, int Messages, double PeakHeapBytes);
}

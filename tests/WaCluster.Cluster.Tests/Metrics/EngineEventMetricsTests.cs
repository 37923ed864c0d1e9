using System.Diagnostics.Metrics;
using WaCluster.Actors.Metrics;
using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Engine;
using WaCluster.Protocol.Jids;
using WaCluster.Signal;

namespace WaCluster.Cluster.Tests.Metrics;

/// <summary>
/// Engine events become the node's delivery figures: a message that fails to decrypt (the engine's error wrapping a
/// Signal failure) counts for its account, other engine errors do not, retry receipts count by direction, server
/// acks land in the latency histogram by outcome; a node without per-account labels drops the account label.
/// </summary>
[Trait("Proof", "metrics")]
public sealed class EngineEventMetricsTests
{
    private static readonly Jid Peer = Jid.Parse("15550001234:3@s.whatsapp.net");

    [Fact]
    public void Engine_events_move_the_matching_instruments()
    {
        using var metrics = new NodeMetrics(perAccountLabels: true);
        using var recorded = new Recorded(metrics.Meter);

        metrics.Record("alice", new EngineError("message 3EB0A1", new EngineException("message 3EB0A1 does not decrypt", new InvalidMacException("bad mac"))));
        metrics.Record("alice", new EngineError("login key upload", new EngineException("pre-key count query failed")));
        metrics.Record("alice", new EngineError("retry receipt", new InvalidMacException("not from a message")));
        metrics.Record("bob", new RetryReceiptSent("3EB0A2", Peer, 1));
        metrics.Record("bob", new RetryReceiptSent("3EB0A2", Peer, 2));
        metrics.Record("alice", new RetryReceiptReceived("3EB0A3", Peer));
        metrics.Record("alice", new MessageServerAck("3EB0A4", TimeSpan.FromMilliseconds(12), null));
        metrics.Record("alice", new MessageServerAck("3EB0A5", TimeSpan.FromMilliseconds(40), "404"));
        metrics.Record("alice", new MessagesUpsert([]));

        Assert.Equal([("wacluster.decrypt.failures", 1.0, "account=alice")], recorded.Of("wacluster.decrypt.failures"));
        Assert.Equal(
            [("wacluster.retry.receipts", 1.0, "direction=sent"), ("wacluster.retry.receipts", 1.0, "direction=sent"), ("wacluster.retry.receipts", 1.0, "direction=received")],
            recorded.Of("wacluster.retry.receipts"));
        Assert.Equal([("wacluster.server.ack.latency", 0.012, "outcome=ok"), ("wacluster.server.ack.latency", 0.040, "outcome=error")],
            recorded.Of("wacluster.server.ack.latency"));
    }

    [Fact]
    public void Without_per_account_labels_the_account_counters_carry_no_account()
    {
        using var metrics = new NodeMetrics(perAccountLabels: false);
        using var recorded = new Recorded(metrics.Meter);

        metrics.Record("alice", new EngineError("message 3EB0A1", new EngineException("does not decrypt", new NoSessionException("no session"))));

        Assert.Equal([("wacluster.decrypt.failures", 1.0, "")], recorded.Of("wacluster.decrypt.failures"));
    }

    /// <summary>Every measurement of one meter's counters and histograms, with its tags as k=v text.</summary>
    private sealed class Recorded : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Name, double Value, string Tags)> _all = [];

        public Recorded(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        public List<(string Name, double Value, string Tags)> Of(string name) =>
            _all.Where(entry => entry.Name == name).Select(entry => (entry.Name, Math.Round(entry.Value, 6), entry.Tags)).ToList();

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var text = string.Join(',', tags.ToArray().Select(tag => $"{tag.Key}={tag.Value}"));
            _all.Add((instrument.Name, value, text));
        }
    }
}

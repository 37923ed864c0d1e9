using System.Collections.Concurrent;
using Akka.Streams.Dsl;
using WaCluster.Actors.Connection.Streams;

namespace WaCluster.Cluster.Tests.Streams;

/// <summary>
/// A wire under the test's control: inbound chunks come from a sequence that counts how far the pipeline pulled it;
/// outbound frames are collected, optionally held at a gate like a socket that does not drain.
/// </summary>
internal sealed class TestWire
{
    private readonly ConcurrentQueue<byte[]> _written = new();
    private volatile TaskCompletionSource _gate;
    private int _pulled;
    private int _closed;

    /// <param name="stayOpen">After the chunks the connection neither sends nor closes.</param>
    public TestWire(IEnumerable<byte[]> inbound, bool gateOpen = true, bool stayOpen = false)
    {
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (gateOpen) _gate.SetResult();
        Ends = new WireEnds(
            stayOpen ? Source.From(Counted(inbound)).Concat(Source.Never<byte[]>()) : Source.From(Counted(inbound)),
            Sink.ForEachAsync<byte[]>(1, async frame =>
            {
                await _gate.Task;
                _written.Enqueue(frame);
            }).MapMaterializedValue(done => (Task)done),
            () =>
            {
                Interlocked.Exchange(ref _closed, 1);
                return ValueTask.CompletedTask;
            });
    }

    public WireEnds Ends { get; }

    /// <summary>Inbound chunks the pipeline has taken so far.</summary>
    public int Pulled => Volatile.Read(ref _pulled);

    public IReadOnlyCollection<byte[]> Written => _written;

    public bool Closed => Volatile.Read(ref _closed) == 1;

    public void OpenGate() => _gate.TrySetResult();

    private IEnumerable<byte[]> Counted(IEnumerable<byte[]> chunks)
    {
        foreach (var chunk in chunks)
        {
            Interlocked.Increment(ref _pulled);
            yield return chunk;
        }
    }
}

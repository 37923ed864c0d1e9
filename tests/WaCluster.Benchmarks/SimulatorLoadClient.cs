using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Protocol.Proto;

namespace WaCluster.Benchmarks;

/// <summary>
/// The client side of the simulator benchmark, run as a child process (the fd limit is per process, so server and
/// clients each hold their own ~N sockets). Reads linked companions from stdin, logs each one in over its own
/// connection, keeps them idle and open until told to stop, then reports how many the server closed meanwhile.
/// stdout protocol: "connected &lt;ok&gt; &lt;failed&gt; &lt;seconds&gt;" once every login settled, "dropped &lt;n&gt;" at the end.
/// </summary>
internal static class SimulatorLoadClient
{
    private const int InFlight = 200;

    // Several loopback source addresses, so the ephemeral port range is never what limits the count.
    private const int SourceAddresses = 8;

    private static readonly TimeSpan LoginTimeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(Uri chatUri, byte[] rootKey)
    {
        var companions = new List<SimulatorCompanion>();
        while (Console.In.ReadLine() is { Length: > 0 } line) companions.Add(SimulatorCompanion.Parse(line));
        var verifier = new CertificateChainVerifier(rootKey);
        var invokers = Enumerable.Range(2, SourceAddresses).Select(i => new HttpMessageInvoker(BoundHandler(IPAddress.Parse($"127.0.0.{i}")))).ToArray();
        using var stop = new CancellationTokenSource();
        var held = new List<Task>(companions.Count);
        var failed = 0;
        var dropped = 0;
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, companions.Count), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (i, _) =>
        {
            try
            {
                var socket = await LoginAsync(chatUri, verifier, companions[i], invokers[i % invokers.Length]);
                lock (held) held.Add(HoldAsync(socket, () => Interlocked.Increment(ref dropped), stop.Token));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (Interlocked.Increment(ref failed) <= 3) await Console.Error.WriteLineAsync($"login of {companions[i]} failed: {ex.GetType().Name}: {ex.Message}");
            }
        });
        Console.WriteLine(FormattableString.Invariant($"connected {held.Count} {failed} {watch.Elapsed.TotalSeconds:0.###}"));
        // Hold until the parent has measured: it writes "stop" (or just closes stdin).
        await Console.In.ReadLineAsync();
        var droppedBeforeStop = Volatile.Read(ref dropped);
        await stop.CancelAsync();
        await Task.WhenAll(held);
        Console.WriteLine(FormattableString.Invariant($"dropped {droppedBeforeStop}"));
        foreach (var invoker in invokers) invoker.Dispose();
    }

    private static async Task<SimulatorSocket> LoginAsync(Uri chatUri, CertificateChainVerifier verifier, SimulatorCompanion companion, HttpMessageInvoker invoker)
    {
        using var timeout = new CancellationTokenSource(LoginTimeout);
        var payload = new ClientPayload
        {
            Username = ulong.Parse(companion.Phone, CultureInfo.InvariantCulture),
            Device = companion.Device,
            Passive = true,
            Pull = true,
            PushName = "load",
        };
        var socket = await SimulatorSocket.ConnectAsync(chatUri, verifier, companion.NoiseKey, payload, invoker, timeout.Token);
        try
        {
            var answer = await socket.ReceiveNodeAsync(timeout.Token);
            if (answer is not { Tag: "success" }) throw new InvalidOperationException($"login answered with {answer?.Tag ?? "a close"}");
            // A client goes active after success to get its offline messages and live traffic.
            await socket.SendNodeAsync(new BinaryNode("iq", [("id", "active"), ("to", "s.whatsapp.net"), ("type", "set"), ("xmlns", "passive")], [new BinaryNode("active")]), timeout.Token);
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads (and answers server pings) until the server closes or the run stops.</summary>
    private static async Task HoldAsync(SimulatorSocket socket, Action onDropped, CancellationToken stop)
    {
        await using var owned = socket;
        try
        {
            while (await socket.ReceiveNodeAsync(stop) is { } node)
            {
                if (node is { Tag: "iq" } && node["type"] == "get" && node["xmlns"] == "urn:xmpp:ping")
                {
                    await socket.SendNodeAsync(new BinaryNode("iq", [("to", "s.whatsapp.net"), ("type", "result"), ("id", node["id"])]), stop);
                }
            }
            onDropped();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over: the connection was still held.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            onDropped();
        }
    }

    private static SocketsHttpHandler BoundHandler(IPAddress source) => new()
    {
        ConnectCallback = async (context, token) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port, token);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Google.Protobuf;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Framing;
using WaCluster.Protocol.Noise;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Protocol.Proto;

namespace WaCluster.Benchmarks;

/// <summary>
/// Concurrent connections one simulator process holds and its memory per connection. The simulator runs as its own
/// process (its memory is measured alone); this process opens WebSockets that complete the Noise handshake as
/// registering companions and stay open with their pair-device refs. SIM_BENCH_CONNECTIONS sets the count
/// (default 10,000). There is no Baileys counterpart: Baileys has no server side.
/// </summary>
public sealed class SimulatorBenchmark : IBenchmark
{
    private const int Parallelism = 32;

    public string Name => "simulator";

    public async Task RunAsync(BenchmarkReport report)
    {
        var target = int.TryParse(Environment.GetEnvironmentVariable("SIM_BENCH_CONNECTIONS"), out var n) ? n : 10_000;
        using var simulator = StartSimulator(out var chatUri, out var adminUri, out var rootKey);
        using var http = new HttpClient { BaseAddress = adminUri };
        var verifier = new CertificateChainVerifier(rootKey);

        // Warm the server's code paths, then take the baseline.
        await using (var warm = await ConnectAsync(chatUri, verifier)) { }
        var baseline = await MemoryAsync(http);

        var sockets = new List<ClientWebSocket>(target);
        var failures = 0;
        var watch = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(Parallelism);
        var tasks = Enumerable.Range(0, target).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                var connection = await ConnectAsync(chatUri, verifier);
                lock (sockets) sockets.Add(connection.Socket);
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or HttpRequestException or InvalidOperationException or OperationCanceledException)
            {
                Interlocked.Increment(ref failures);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(tasks);
        var elapsed = watch.Elapsed;
        var loaded = await MemoryAsync(http);

        report.Line("simulator.connections.held", loaded.ConnectionsOpen, "connections");
        report.Line("simulator.connections.failed", failures, "connections");
        report.Line("simulator.connect.rate", sockets.Count / elapsed.TotalSeconds, "handshakes/s");
        report.Line("simulator.memory.workingset", loaded.WorkingSet / 1048576.0, "MiB");
        report.Line("simulator.memory.per_connection.workingset", (loaded.WorkingSet - baseline.WorkingSet) / (double)Math.Max(1, sockets.Count) / 1024, "KiB");
        report.Line("simulator.memory.per_connection.managed", (loaded.ManagedHeap - baseline.ManagedHeap) / (double)Math.Max(1, sockets.Count) / 1024, "KiB");
        foreach (var socket in sockets) socket.Abort();
        simulator.Kill(entireProcessTree: true);
    }

    private sealed record Memory(long WorkingSet, long ManagedHeap, long ConnectionsOpen);

    private static async Task<Memory> MemoryAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<Memory>("memory?collect=true", new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!;

    private sealed class Connection(ClientWebSocket socket) : IAsyncDisposable
    {
        public ClientWebSocket Socket { get; } = socket;

        public ValueTask DisposeAsync()
        {
            Socket.Abort();
            Socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Handshake as a registering companion and wait for the pair-device offer: a connection the server holds.</summary>
    private static async Task<Connection> ConnectAsync(Uri chatUri, CertificateChainVerifier verifier)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetBuffer(4096, 4096);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await socket.ConnectAsync(chatUri, timeout.Token);
        var encoder = new FrameEncoder(FrameFormat.BuildIntro());
        var decoder = new FrameDecoder(expectIntro: false);
        using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair(), verifier);
        await socket.SendAsync(encoder.Encode(initiator.CreateClientHello()), WebSocketMessageType.Binary, true, timeout.Token);
        var serverHello = await ReadFrameAsync(socket, decoder, timeout.Token);
        await socket.SendAsync(encoder.Encode(initiator.ReadServerHello(serverHello, RegistrationPayload())), WebSocketMessageType.Binary, true, timeout.Token);
        using var transport = initiator.CreateTransport();
        var offer = BinaryDecoder.Decode(transport.Decrypt(await ReadFrameAsync(socket, decoder, timeout.Token)));
        if (offer.GetChild("pair-device") is null) throw new InvalidOperationException($"expected pair-device, got {offer.Tag}");
        return new Connection(socket);
    }

    private static async Task<byte[]> ReadFrameAsync(ClientWebSocket socket, FrameDecoder decoder, CancellationToken token)
    {
        while (true)
        {
            if (decoder.TryReadFrame(out var frame)) return frame.ToArray();
            var result = await socket.ReceiveAsync(decoder.GetWriteMemory(4096), token);
            if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("closed by the simulator");
            decoder.Advance(result.Count);
        }
    }

    private static byte[] RegistrationPayload()
    {
        var identity = Curve25519.GenerateKeyPair();
        var signed = Curve25519.GenerateKeyPair();
        return new ClientPayload
        {
            Passive = false,
            DevicePairingData = new ClientPayload.Types.DevicePairingRegistrationData
            {
                ERegid = ByteString.CopyFrom(0, 0, 1, 2),
                EKeytype = ByteString.CopyFrom(Curve25519.DjbKeyType),
                EIdent = ByteString.CopyFrom(identity.PublicKey),
                ESkeyId = ByteString.CopyFrom(0, 0, 1),
                ESkeyVal = ByteString.CopyFrom(signed.PublicKey),
                ESkeySig = ByteString.CopyFrom(Curve25519.Sign(identity.PrivateKey, signed.PrefixedPublicKey)),
            },
        }.ToByteArray();
    }

    /// <summary>Runs the simulator executable and reads the URL and root key it prints.</summary>
    private static Process StartSimulator(out Uri chatUri, out Uri adminUri, out byte[] rootKey)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Cluster.sln"))) root = Path.GetDirectoryName(root.TrimEnd('/')) ?? throw new InvalidOperationException("repository root not found");
        var start = new ProcessStartInfo("dotnet", ["run", "-c", "Release", "--project", Path.Combine(root, "src/WaCluster.Simulator"), "--", "--port", "0", "--idle-seconds", "3600"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("simulator did not start");
        string? chat = null, admin = null, key = null;
        while ((chat is null || admin is null || key is null) && process.StandardOutput.ReadLine() is { } line)
        {
            var parts = line.Split(' ', 2);
            switch (parts[0])
            {
                case "url": chat = parts[1]; break;
                case "admin": admin = parts[1]; break;
                case "root-key": key = parts[1]; break;
            }
        }
        chatUri = new Uri(chat ?? throw new InvalidOperationException("simulator printed no url"));
        adminUri = new Uri(admin!);
        rootKey = Convert.FromBase64String(key!);
        return process;
    }
}

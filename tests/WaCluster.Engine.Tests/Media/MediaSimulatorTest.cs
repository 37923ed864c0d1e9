using System.Security.Cryptography;
using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Core.Media;
using WaCluster.Engine.Media;
using WaCluster.Engine.Tests.Support;
using WaCluster.Signal.Stores;
using WaCluster.Simulator;
using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.Media;

/// <summary>One simulator with its media host and one Node harness of Baileys clients per test class; engines and clients paired on demand.</summary>
public abstract class MediaSimulatorTest : IAsyncLifetime
{
    protected static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    // A closed loopback port: every transfer first fails there and must move on to the real host.
    protected const string DeadHost = "127.0.0.1:9";

    private readonly List<Func<Task>> _stops = [];

    protected SimulatorHost Host { get; private set; } = null!;

    protected NodeHarness Node { get; private set; } = null!;

    protected virtual SimulatorOptions SimulatorOptions => new() { Seed = 11 };

    public async Task InitializeAsync()
    {
        Host = await SimulatorHost.StartAsync(SimulatorOptions);
        Node = await NodeHarness.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var stop in _stops) await stop();
        await Node.CallAsync("sim.stopAll", timeout: Slow);
        await Node.DisposeAsync();
        await Host.DisposeAsync();
    }

    protected static OutgoingMedia Media(MediaKind kind, int length) => new(kind, new MemoryStream(RandomNumberGenerator.GetBytes(length)));

    protected static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    protected static async Task<IReadOnlyList<ReceivedMessage>> NextMessagesAsync(AccountEngine engine, int count)
    {
        var messages = new List<ReceivedMessage>();
        while (messages.Count < count)
        {
            var next = await engine.Events.NextAsync<EngineEvent>(e => e is MessagesUpsert or EngineError, seconds: 60);
            if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
            messages.AddRange(((MessagesUpsert)next).Messages);
        }
        return messages;
    }

    protected async Task<(AccountEngine Engine, AccountInfo Account)> PairEngineAsync(string phone, MediaCertificateValidator? validator)
    {
        var options = Host.EngineOptions() with
        {
            InitialPreKeyCount = 30,
            MediaCertificateValidator = validator,
            CustomMediaHosts = [DeadHost],
        };
        var creds = AuthCreds.CreateNew();
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), new RecordingPersister(), options);
        var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var qr = (await engine.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null, seconds: 30)).Qr!;
        var account = await Host.Simulator.ScanAsync(qr, phone).WaitAsync(Slow);
        await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);
        _stops.Add(async () =>
        {
            await stop.CancelAsync();
            await run.WaitAsync(Slow);
            stop.Dispose();
        });
        return (engine, account);
    }

    protected async Task<AccountInfo> PairBaileysAsync(string id)
    {
        var start = await Node.CallAsync<StartResult>("sim.start", new
        {
            id,
            url = Host.ChatUri.ToString(),
            rootKey = Convert.ToBase64String(Host.Simulator.RootPublicKey),
            name = id,
        }, Slow);
        var account = await Host.Simulator.ScanAsync(start.Qr).WaitAsync(Slow);
        await Node.CallAsync("sim.waitOpen", new { id, opens = 1 }, Slow);
        return account;
    }

    private sealed record StartResult(string Qr);

    protected sealed record MediaSummary(string Id, string Kind, string? Mimetype, string? Caption, string? FileName, bool? Ptt, bool? GifPlayback,
        long? Seconds, long? Width, long? Height, long FileLength, long? MediaKeyTimestamp, string? Url, string? DirectPath, string? JpegThumbnail,
        string? FileSha256, string? FileEncSha256, int MediaKeyLength);
}

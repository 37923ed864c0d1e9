using WaCluster.Engine.Creds;
using WaCluster.Engine.Events;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Signal.Stores;
using WaCluster.Simulator;
using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Mid-conversation with a Baileys client, our engine is dropped and rebuilt from the persisted state changes alone:
/// it logs in without pairing, later messages decrypt both ways, nothing is delivered twice.
/// </summary>
[Trait("Proof", "engine-restore")]
public sealed class EngineRestoreTests : IAsyncLifetime
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(40);
    private SimulatorHost _host = null!;
    private NodeHarness _node = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 9 });
        _node = await NodeHarness.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.CallAsync("sim.stopAll", timeout: Slow);
        await _node.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Engine_rebuilt_from_the_journal_keeps_the_conversation_going()
    {
        var options = new EngineOptions
        {
            ServerUri = _host.ChatUri,
            CertificateVerifier = new CertificateChainVerifier(_host.Simulator.RootPublicKey),
            InitialPreKeyCount = 30,
        };
        var journal = new JournalPersister();
        var creds = AuthCreds.CreateNew();
        var first = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), journal, options);
        using var stopFirst = new CancellationTokenSource();
        var runFirst = first.RunAsync(stopFirst.Token);
        var qr = (await first.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null, seconds: 30)).Qr!;
        var ours = await _host.Simulator.ScanAsync(qr, "15550008001").WaitAsync(Slow);
        await first.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);

        var start = await _node.CallAsync<StartResult>("sim.start", new
        {
            id = "rita", url = _host.ChatUri.ToString(), rootKey = Convert.ToBase64String(_host.Simulator.RootPublicKey), name = "rita",
        }, Slow);
        var rita = await _host.Simulator.ScanAsync(start.Qr).WaitAsync(Slow);
        await _node.CallAsync("sim.waitOpen", new { id = "rita", opens = 1 }, Slow);

        await first.SendTextAsync(Jid.Parse(rita.Jid), "before the crash");
        await _node.CallAsync<Received[]>("sim.waitReceived", new { id = "rita", count = 1 }, Slow);
        var early = await _node.CallAsync<string[]>("sim.send", new { id = "rita", to = ours.Jid, texts = new[] { "early" } }, Slow);
        Assert.Equal(early, (await TextsAsync(first, 1)).Select(m => m.Key.Id));

        // The process dies: only the journal survives. Rita keeps writing meanwhile.
        await stopFirst.CancelAsync();
        await runFirst.WaitAsync(Slow);
        var whileDown = await _node.CallAsync<string[]>("sim.send", new { id = "rita", to = ours.Jid, texts = new[] { "while down 1", "while down 2" } }, Slow);

        var (restoredCreds, restoredKeys) = await journal.ReplayAsync();
        var second = new AccountEngine(restoredCreds, restoredKeys, journal, options);
        using var stopSecond = new CancellationTokenSource();
        var runSecond = second.RunAsync(stopSecond.Token);
        // The offline backlog may arrive before the connection reports open: keep it.
        var beforeOpen = new List<ReceivedMessage>();
        while (true)
        {
            var next = await second.Events.NextAsync<EngineEvent>(e => e is ConnectionUpdate { Connection: ConnectionState.Open } or ConnectionUpdate { Qr: not null }
                or MessagesUpsert or EngineError, seconds: 30);
            if (next is MessagesUpsert upsert) beforeOpen.AddRange(upsert.Messages);
            else if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
            else
            {
                Assert.Equal(ConnectionState.Open, ((ConnectionUpdate)next).Connection);
                break;
            }
        }

        var afterRestore = await _node.CallAsync<string[]>("sim.send", new { id = "rita", to = ours.Jid, texts = new[] { "after restore" } }, Slow);
        var received = beforeOpen.Concat(await TextsAsync(second, 3 - beforeOpen.Count)).ToList();
        Assert.Equal([.. whileDown, .. afterRestore], received.Select(m => m.Key.Id));
        Assert.Equal(["while down 1", "while down 2", "after restore"], received.Select(m => m.Text));

        await second.SendTextAsync(Jid.Parse(rita.Jid), "after the crash");
        var atRita = await _node.CallAsync<Received[]>("sim.waitReceived", new { id = "rita", count = 2 }, Slow);
        Assert.Equal(["before the crash", "after the crash"], atRita.Select(r => r.Text));

        // Nothing more arrives: no message is delivered twice.
        await Task.Delay(500);
        while (second.Events.TryRead(out var later)) Assert.IsNotType<MessagesUpsert>(later);
        await stopSecond.CancelAsync();
        await runSecond.WaitAsync(Slow);
    }

    private static async Task<List<ReceivedMessage>> TextsAsync(AccountEngine engine, int count)
    {
        var messages = new List<ReceivedMessage>();
        while (messages.Count < count)
        {
            var next = await engine.Events.NextAsync<EngineEvent>(e => e is MessagesUpsert or EngineError, seconds: 40);
            if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
            messages.AddRange(((MessagesUpsert)next).Messages);
        }
        return messages;
    }

    private sealed record StartResult(string Qr);

    private sealed record Received(string Id, string From, string? Participant, string Text);
}

using WaCluster.Engine.Creds;
using WaCluster.Engine.Events;
using WaCluster.Engine.State;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Signal.Stores;
using WaCluster.Simulator;
using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Ours is offline while a Baileys client sends 100 messages. On reconnect the backlog arrives as one consolidated
/// burst; the engine crashes halfway after journaling a message but before acking it, so the server delivers that
/// message again to the engine rebuilt from the journal, which must recognise it instead of announcing it twice or
/// failing to decrypt a spent ratchet step.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class OfflineBurstTests : IAsyncLifetime
{
    private const int Backlog = 100;
    private const int CrashAt = 50;
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);
    private SimulatorHost _host = null!;
    private NodeHarness _node = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 11 });
        _node = await NodeHarness.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.CallAsync("sim.stopAll", timeout: Slow);
        await _node.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Hundred_messages_sent_while_offline_arrive_exactly_once_in_few_batches_across_a_crash()
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
        var stopFirst = new CancellationTokenSource();
        var runFirst = first.RunAsync(stopFirst.Token);
        var qr = (await first.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null, seconds: 30)).Qr!;
        var ours = await _host.Simulator.ScanAsync(qr, "15550009001").WaitAsync(Slow);
        await first.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);

        var start = await _node.CallAsync<StartResult>("sim.start", new
        {
            id = "olga", url = _host.ChatUri.ToString(), rootKey = Convert.ToBase64String(_host.Simulator.RootPublicKey), name = "olga",
        }, Slow);
        var olga = await _host.Simulator.ScanAsync(start.Qr).WaitAsync(Slow);
        await _node.CallAsync("sim.waitOpen", new { id = "olga", opens = 1 }, Slow);

        await stopFirst.CancelAsync();
        await runFirst.WaitAsync(Slow);
        var texts = Enumerable.Range(1, Backlog).Select(i => $"offline #{i}").ToArray();
        var sent = await _node.CallAsync<string[]>("sim.send", new { id = "olga", to = ours.Jid, texts }, TimeSpan.FromSeconds(120));

        // Second life: crashes right after journaling message CrashAt, before its receipt and ack leave.
        var (creds2, keys2) = await journal.ReplayAsync();
        var second = new AccountEngine(creds2, keys2, journal, options, receivedMessageKeys: journal.ReceivedKeys);
        var stopSecond = new CancellationTokenSource();
        journal.AfterPersist = change =>
        {
            if (change.ReceivedMessages is { Count: > 0 } && journal.Received.Count == CrashAt)
            {
                journal.AfterPersist = null;
                stopSecond.Cancel();
                throw new OperationCanceledException(stopSecond.Token);
            }
        };
        var runSecond = second.RunAsync(stopSecond.Token);
        await runSecond.WaitAsync(Slow);
        var secondBatches = Drain(second);
        Assert.Equal(CrashAt, journal.Received.Count);

        // Third life, from the journal again: the rest of the backlog, and the unacked message redelivered.
        var (creds3, keys3) = await journal.ReplayAsync();
        var third = new AccountEngine(creds3, keys3, journal, options, receivedMessageKeys: journal.ReceivedKeys);
        using var stopThird = new CancellationTokenSource();
        var runThird = third.RunAsync(stopThird.Token);
        var thirdBatches = new List<IReadOnlyList<ReceivedMessage>>();
        while (thirdBatches.Sum(b => b.Count) < Backlog - CrashAt)
        {
            var next = await third.Events.NextAsync<EngineEvent>(e => e is MessagesUpsert or EngineError, seconds: 60);
            if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
            thirdBatches.Add(((MessagesUpsert)next).Messages);
        }
        // The marker has been processed once the burst is out; anything later would be a duplicate.
        await Task.Delay(1000);
        var late = Drain(third);
        await stopThird.CancelAsync();
        await runThird.WaitAsync(Slow);

        // Durable record: every message journaled exactly once, in order, with its text.
        Assert.Equal(sent, journal.Received.Select(m => m.Key.Id));
        Assert.Equal(texts, journal.Received.Select(m => m.Text));
        Assert.All(journal.Received, m => Assert.Equal(olga.Jid, m.Key.RemoteJid.ToString()));
        // Announced: the messages acked before the crash (the crashed one lives in the journal), then the rest; none twice.
        var announced = secondBatches.Concat(thirdBatches).Concat(late).SelectMany(b => b).Select(m => m.Key.Id).ToList();
        Assert.Equal(sent.Take(CrashAt - 1).Concat(sent.Skip(CrashAt)), announced);
        // Consolidated: the offline burst comes out in few events, not one per message.
        Assert.InRange(secondBatches.Count, 1, 2);
        Assert.InRange(thirdBatches.Count, 1, 2);
        stopFirst.Dispose();
        stopSecond.Dispose();
    }

    // Everything the engine announced so far, failing on any error event.
    private static List<IReadOnlyList<ReceivedMessage>> Drain(AccountEngine engine)
    {
        var batches = new List<IReadOnlyList<ReceivedMessage>>();
        while (engine.Events.TryRead(out var next))
        {
            if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
            if (next is MessagesUpsert upsert) batches.Add(upsert.Messages);
        }
        return batches;
    }

    private sealed record StartResult(string Qr);
}

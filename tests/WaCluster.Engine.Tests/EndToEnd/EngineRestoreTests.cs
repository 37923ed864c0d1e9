using WaCluster.Core.Events;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Mid-conversation with a Baileys client, our engine is dropped and rebuilt from the persisted state changes alone:
/// it logs in without pairing, later messages decrypt both ways, nothing is delivered twice.
/// </summary>
[Trait("Proof", "engine-restore")]
public sealed class EngineRestoreTests() : SimulatorConversationTest(seed: 9)
{
    [Fact]
    public async Task Engine_rebuilt_from_the_journal_keeps_the_conversation_going()
    {
        var options = OptionsForSimulator();
        var journal = new JournalPersister();
        var paired = await PairEngineAsync("15550008001", journal, options);
        var (first, ours) = (paired.Engine, paired.Account);

        var rita = await StartBaileysAsync("rita");

        await first.SendTextAsync(Jid.Parse(rita.Jid), "before the crash");
        await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "rita", count = 1 }, Slow);
        var early = await Node.CallAsync<string[]>("sim.send", new { id = "rita", to = ours.Jid, texts = new[] { "early" } }, Slow);
        Assert.Equal(early, (await TextsAsync(first, 1)).Select(m => m.Key.Id));

        // The process dies: only the journal survives. Rita keeps writing meanwhile.
        await paired.StopAsync();
        var whileDown = await Node.CallAsync<string[]>("sim.send", new { id = "rita", to = ours.Jid, texts = new[] { "while down 1", "while down 2" } }, Slow);

        var (restoredCreds, restoredKeys) = await journal.ReplayAsync();
        // The dedupe window comes back with the journal too: the crash may have fallen between persisting "early" and
        // acking it, and the server then delivers it again.
        var second = new AccountEngine(restoredCreds, restoredKeys, journal, options, receivedMessageKeys: journal.ReceivedKeys);
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

        var afterRestore = await Node.CallAsync<string[]>("sim.send", new { id = "rita", to = ours.Jid, texts = new[] { "after restore" } }, Slow);
        var received = beforeOpen.Concat(await TextsAsync(second, 3 - beforeOpen.Count)).ToList();
        Assert.Equal([.. whileDown, .. afterRestore], received.Select(m => m.Key.Id));
        Assert.Equal(["while down 1", "while down 2", "after restore"], received.Select(m => m.Text));

        await second.SendTextAsync(Jid.Parse(rita.Jid), "after the crash");
        var atRita = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "rita", count = 2 }, Slow);
        Assert.Equal(["before the crash", "after the crash"], atRita.Select(r => r.Text));

        // Nothing more arrives: no message is delivered twice. Rita's messages reach us in order, so any redelivery
        // comes before a marker she sends last, and the next message announced must be the marker alone.
        var marker = await Node.CallAsync<string[]>("sim.send", new { id = "rita", to = ours.Jid, texts = new[] { "marker" } }, Slow);
        var afterMarker = await second.Events.NextAsync<EngineEvent>(e => e is MessagesUpsert or EngineError, seconds: 40);
        Assert.Equal(marker, Assert.IsType<MessagesUpsert>(afterMarker).Messages.Select(m => m.Key.Id));
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

    private sealed record Received(string Id, string From, string? Participant, string Text);
}

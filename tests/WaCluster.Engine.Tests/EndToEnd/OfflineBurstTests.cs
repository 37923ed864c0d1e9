using WaCluster.Core.Events;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Ours is offline while a Baileys client sends 100 messages. On reconnect the backlog arrives as one consolidated
/// burst; the engine crashes halfway after journaling a message but before acking it, so the server delivers that
/// message again to the engine rebuilt from the journal, which must recognise it instead of announcing it twice or
/// failing to decrypt a spent ratchet step.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class OfflineBurstTests() : SimulatorConversationTest(seed: 11, slowSeconds: 60)
{
    private const int Backlog = 100;
    private const int CrashAt = 50;

    [Fact]
    public async Task Hundred_messages_sent_while_offline_arrive_exactly_once_in_few_batches_across_a_crash()
    {
        var options = OptionsForSimulator();
        var journal = new JournalPersister();
        var paired = await PairEngineAsync("15550009001", journal, options);
        var ours = paired.Account;
        var olga = await StartBaileysAsync("olga");

        await paired.StopAsync();
        var texts = Enumerable.Range(1, Backlog).Select(i => $"offline #{i}").ToArray();
        var sent = await Node.CallAsync<string[]>("sim.send", new { id = "olga", to = ours.Jid, texts }, TimeSpan.FromSeconds(120));

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
        // Anything announced after the burst would be a duplicate. Olga's messages reach us in order, so a duplicate
        // comes before a last message she sends now: everything up to that one is collected.
        var last = Assert.Single(await Node.CallAsync<string[]>("sim.send", new { id = "olga", to = ours.Jid, texts = new[] { "after the burst" } }, Slow));
        var late = new List<IReadOnlyList<ReceivedMessage>>();
        while (!late.SelectMany(b => b).Any(m => m.Key.Id == last))
        {
            var next = await third.Events.NextAsync<EngineEvent>(e => e is MessagesUpsert or EngineError, seconds: 60);
            if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
            late.Add(((MessagesUpsert)next).Messages);
        }
        await stopThird.CancelAsync();
        await runThird.WaitAsync(Slow);

        // Durable record: every message journaled exactly once, in order, with its text.
        Assert.Equal([.. sent, last], journal.Received.Select(m => m.Key.Id));
        Assert.Equal([.. texts, "after the burst"], journal.Received.Select(m => m.Text));
        Assert.All(journal.Received, m => Assert.Equal(olga.Jid, m.Key.RemoteJid.ToString()));
        // Announced: the messages acked before the crash (the crashed one lives in the journal), then the rest; none twice.
        var announced = secondBatches.Concat(thirdBatches).Concat(late).SelectMany(b => b).Select(m => m.Key.Id).ToList();
        Assert.Equal(sent.Take(CrashAt - 1).Concat(sent.Skip(CrashAt)).Append(last), announced);
        // Consolidated: the offline burst comes out in few events, not one per message.
        Assert.InRange(secondBatches.Count, 1, 2);
        Assert.InRange(thirdBatches.Count, 1, 2);
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
}

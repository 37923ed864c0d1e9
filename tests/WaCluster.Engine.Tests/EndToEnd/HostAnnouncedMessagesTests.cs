using WaCluster.Core.Events;
using WaCluster.Engine.Tests.Support;
using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// An engine whose host announces received messages from its journal (<see cref="EngineOptions.HostAnnouncesReceivedMessages"/>)
/// still decrypts, journals and receipts what a Baileys client sends (texts, a reaction, an edit), but never announces
/// any of it itself.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class HostAnnouncedMessagesTests() : SimulatorConversationTest(seed: 23)
{
    [Fact]
    public async Task A_hosted_engine_journals_and_receipts_received_messages_without_announcing_them()
    {
        var journal = new JournalPersister();
        var paired = await PairEngineAsync("15550007301", journal, OptionsForSimulator() with { HostAnnouncesReceivedMessages = true });
        await StartBaileysAsync("bob");

        var fromBob = await Node.CallAsync<string[]>("sim.send", new { id = "bob", to = paired.Account.Jid, texts = new[] { "journaled", "only" } }, Slow);
        // Our delivery receipts reach Baileys (DELIVERY_ACK, 3): each message was journaled before its receipt left.
        Assert.All(await Node.CallAsync<int[]>("sim.waitStatus", new { id = "bob", messageIds = fromBob }, Slow), s => Assert.True(s >= 3));
        // A reaction and an edit are messages too: journaled like the texts, announced by the host only.
        var reaction = await Node.CallAsync<string>("sim.sendKind", new { id = "bob", to = paired.Account.Jid, kind = "reaction", text = "👍", targetId = fromBob[0], fromMe = true }, Slow);
        var edit = await Node.CallAsync<string>("sim.sendKind", new { id = "bob", to = paired.Account.Jid, kind = "edit", text = "edited", targetId = fromBob[1], fromMe = true }, Slow);
        await Eventually.UntilAsync(() => journal.Received.Count == 4, TimeSpan.FromSeconds(30), () => $"4 messages journaled (has {journal.Received.Count})");
        Assert.Equal([.. fromBob, reaction, edit], journal.Received.Select(m => m.Key.Id));
        Assert.Equal(["journaled", "only"], journal.Received.Take(2).Select(m => m.Text));

        // Once the run has ended every event it could emit is in the channel, a held offline burst included.
        await paired.StopAsync();
        var emitted = new List<EngineEvent>();
        while (paired.Engine.Events.TryRead(out var next)) emitted.Add(next);
        Assert.Contains(emitted, e => e is ConnectionUpdate { Connection: ConnectionState.Close });
        Assert.DoesNotContain(emitted, e => e is MessagesUpsert or MessagesReaction);
        Assert.DoesNotContain(emitted, e => e is MessagesUpdate { Updates: var updates } && updates.Any(u => u.EditedMessage is not null || u.Revoked));
        Assert.DoesNotContain(emitted, e => e is EngineError);
    }
}

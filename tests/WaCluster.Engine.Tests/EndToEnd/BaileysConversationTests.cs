using WaCluster.Core.Events;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;
using WaCluster.Simulator;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Our engine and unmodified Baileys clients linked to the simulator exchange 1:1 texts both ways: first messages
/// (pkmsg, sessions from fetched bundles) and follow-ups (msg), with delivery receipts for what we received.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class BaileysConversationTests() : SimulatorConversationTest(seed: 7)
{
    [Fact]
    public async Task Texts_flow_both_ways_with_a_Baileys_client_and_between_two_of_our_engines()
    {
        var (ours, ourAccount, stopOurs) = await PairEngineAsync("15550006001");
        var bob = await StartBaileysAsync("bob");

        var firstToBob = await ours.SendTextAsync(Jid.Parse(bob.Jid), "hello bob");
        var atBob = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 1 }, Slow);
        Assert.Equal((firstToBob, "hello bob"), (atBob[0].Id, atBob[0].Text));

        var fromBob = await Node.CallAsync<string[]>("sim.send", new { id = "bob", to = ourAccount.Jid, texts = new[] { "hi ours", "second from bob" } }, Slow);
        var got = await NextTextsAsync(ours, 2);
        Assert.Equal([(fromBob[0], "hi ours"), (fromBob[1], "second from bob")], got.Select(m => (m.Key.Id, m.Text)));
        Assert.All(got, m => Assert.False(m.Key.FromMe));
        Assert.All(got, m => Assert.Equal(bob.Jid, m.Key.RemoteJid.ToString()));
        // Our delivery receipts reach Baileys as status DELIVERY_ACK (3) or better.
        Assert.All(await Node.CallAsync<int[]>("sim.waitStatus", new { id = "bob", messageIds = fromBob }, Slow), s => Assert.True(s >= 3));

        var secondToBob = await ours.SendTextAsync(Jid.Parse(bob.Jid), "and a follow-up");
        atBob = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 2 }, Slow);
        Assert.Equal((secondToBob, "and a follow-up"), (atBob[1].Id, atBob[1].Text));

        // Two of our own accounts talk to each other.
        var (other, otherAccount, stopOther) = await PairEngineAsync("15550006002");
        var toOther = await ours.SendTextAsync(Jid.Parse(otherAccount.Jid), "engine to engine");
        var atOther = Assert.Single(await NextTextsAsync(other, 1));
        Assert.Equal((toOther, "engine to engine", ourAccount.Jid), (atOther.Key.Id, atOther.Text, atOther.Key.RemoteJid.ToString()));
        var reply = await other.SendTextAsync(Jid.Parse(ourAccount.Jid), "engine reply");
        var atOurs = Assert.Single(await NextTextsAsync(ours, 1));
        Assert.Equal((reply, "engine reply"), (atOurs.Key.Id, atOurs.Text));

        await stopOurs();
        await stopOther();
    }

    private static async Task<IReadOnlyList<ReceivedMessage>> NextTextsAsync(AccountEngine engine, int count)
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

    private async Task<(AccountEngine Engine, AccountInfo Account, Func<Task> Stop)> PairEngineAsync(string phone)
    {
        var paired = await PairEngineAsync(phone, new RecordingPersister());
        return (paired.Engine, paired.Account, paired.StopAsync);
    }

    private sealed record Received(string Id, string From, string? Participant, string Text);
}

using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Core.Presence;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Presence and chat states both ways between our engine and an unmodified Baileys client: subscriptions, online
/// state with last seen, composing / recording / paused in a 1:1 chat and in a group, read by each side as Baileys'
/// presence.update.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class BaileysPresenceTests() : SimulatorConversationTest(seed: 23)
{
    [Fact]
    public async Task Presence_and_chat_states_flow_both_ways_with_Baileys()
    {
        var paired = await PairEngineAsync("15550013001", new RecordingPersister());
        var (ours, ourAccount) = (paired.Engine, paired.Account);
        var bob = await StartBaileysAsync("bob");
        var bobJid = Jid.Parse(bob.Jid);
        await Assert.ThrowsAsync<EngineException>(() => ours.SendPresenceUpdateAsync(PresenceKind.Available));
        await ours.SetPushNameAsync("ours");

        // Ours subscribes: the server answers with Bob's current state (Baileys announced itself online at connect).
        await ours.SubscribePresenceAsync(bobJid);
        Assert.Equal("available", (await NextPresenceAsync(ours, bobJid, bobJid)).LastKnownPresence);
        await Node.CallAsync("sim.presence.send", new { id = "bob", type = "unavailable" }, Slow);
        var away = await NextPresenceAsync(ours, bobJid, bobJid);
        Assert.Equal("unavailable", away.LastKnownPresence);
        Assert.NotNull(away.LastSeen);
        foreach (var (type, expected) in new[] { ("composing", "composing"), ("recording", "recording"), ("paused", "available") })
        {
            await Node.CallAsync("sim.presence.send", new { id = "bob", type, to = ourAccount.Jid }, Slow);
            Assert.Equal(expected, (await NextPresenceAsync(ours, bobJid, bobJid)).LastKnownPresence);
        }

        // Bob subscribes to ours: first our state as the server holds it, then each change ours announces.
        await Node.CallAsync("sim.presence.subscribe", new { id = "bob", to = ourAccount.Jid }, Slow);
        var first = (await Node.CallAsync<SeenPresence[]>("sim.presence.wait", new { id = "bob", count = 1 }, Slow)).Single();
        Assert.Equal((ourAccount.Jid, ourAccount.Jid, "unavailable"), (first.Id, first.Participant, first.LastKnownPresence));
        await ours.SendPresenceUpdateAsync(PresenceKind.Available);
        await ours.SendPresenceUpdateAsync(PresenceKind.Composing, bobJid);
        await ours.SendPresenceUpdateAsync(PresenceKind.Recording, bobJid);
        await ours.SendPresenceUpdateAsync(PresenceKind.Paused, bobJid);
        var atBob = await Node.CallAsync<SeenPresence[]>("sim.presence.wait", new { id = "bob", count = 5 }, Slow);
        Assert.Equal(["available", "composing", "recording", "available"], atBob.Skip(1).Select(p => p.LastKnownPresence));
        Assert.All(atBob, p => Assert.Equal((ourAccount.Jid, ourAccount.Jid), (p.Id, p.Participant)));

        // In a group the chat state names the group and the member who types.
        var group = await ours.CreateGroupAsync("typing", [bobJid]);
        await ours.SendPresenceUpdateAsync(PresenceKind.Composing, group.Id);
        var inGroup = (await Node.CallAsync<SeenPresence[]>("sim.presence.wait", new { id = "bob", count = 6 }, Slow))[5];
        Assert.Equal((group.Id.ToString(), ourAccount.Jid, "composing"), (inGroup.Id, inGroup.Participant, inGroup.LastKnownPresence));
        await Node.CallAsync("sim.presence.send", new { id = "bob", type = "recording", to = group.Id.ToString() }, Slow);
        Assert.Equal("recording", (await NextPresenceAsync(ours, group.Id, bobJid)).LastKnownPresence);

        await paired.StopAsync();
    }

    private static async Task<PresenceData> NextPresenceAsync(AccountEngine engine, Jid chat, Jid participant)
    {
        var next = await engine.Events.NextAsync<EngineEvent>(e => e is PresenceUpdate or EngineError, seconds: 40);
        if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
        var update = (PresenceUpdate)next;
        Assert.Equal(chat, update.Id);
        var (who, presence) = Assert.Single(update.Presences);
        Assert.Equal(participant, who.ToNonAd());
        return presence;
    }

    private sealed record SeenPresence(string Id, string Participant, string LastKnownPresence, long? LastSeen);
}

using WaCluster.Core.Events;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// A group of our engine and two unmodified Baileys clients: everyone's messages (sender keys distributed pairwise on
/// first use, then skmsg only) decrypt at every other member, and the group metadata we read matches the server's.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class BaileysGroupTests() : SimulatorConversationTest(seed: 13)
{
    [Fact]
    public async Task Every_members_group_messages_decrypt_at_every_other_member()
    {
        var paired = await PairEngineAsync("15550010001", new RecordingPersister());
        var (ours, ourAccount) = (paired.Engine, paired.Account);
        var bob = await StartBaileysAsync("bob");
        var carol = await StartBaileysAsync("carol");

        var created = await ours.CreateGroupAsync("team", [Jid.Parse(bob.Jid), Jid.Parse(carol.Jid)]);
        Assert.Equal("team", created.Subject);
        Assert.Equal(new[] { ourAccount.Jid, bob.Jid, carol.Jid }.Order(), created.Participants.Select(p => p.Jid.ToString()).Order());
        var seenByBob = await Node.CallAsync<Metadata>("sim.groupMetadata", new { id = "bob", group = created.Id.ToString() }, Slow);
        Assert.Equal(("team", 3), (seenByBob.Subject, seenByBob.Participants.Length));
        var group = created.Id.ToString();

        // Ours first (distributes its sender key pairwise), then again (skmsg only), then each Baileys member.
        var fromOurs = new[] { await ours.SendTextAsync(created.Id, "hello team"), await ours.SendTextAsync(created.Id, "second from ours") };
        var fromBob = await Node.CallAsync<string[]>("sim.send", new { id = "bob", to = group, texts = new[] { "bob here", "bob again" } }, Slow);
        var fromCarol = await Node.CallAsync<string[]>("sim.send", new { id = "carol", to = group, texts = new[] { "carol here" } }, Slow);

        var atBob = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 3 }, Slow);
        var atCarol = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "carol", count = 4 }, Slow);
        Assert.Equal([(fromOurs[0], "hello team"), (fromOurs[1], "second from ours"), (fromCarol[0], "carol here")], atBob.Select(r => (r.Id, r.Text)));
        Assert.Equal([(fromOurs[0], "hello team"), (fromOurs[1], "second from ours"), (fromBob[0], "bob here"), (fromBob[1], "bob again")],
            atCarol.Select(r => (r.Id, r.Text)));
        Assert.All(atBob.Concat(atCarol), r => Assert.Equal(group, r.From));
        Assert.Equal([ourAccount.Jid, ourAccount.Jid], atBob.Take(2).Select(r => Jid.Parse(r.Participant!).ToNonAd().ToString()));

        var atOurs = new List<ReceivedMessage>();
        while (atOurs.Count < 3)
        {
            var next = await ours.Events.NextAsync<EngineEvent>(e => e is MessagesUpsert or EngineError, seconds: 40);
            if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
            atOurs.AddRange(((MessagesUpsert)next).Messages);
        }
        Assert.Equal([(fromBob[0], "bob here", bob.Jid), (fromBob[1], "bob again", bob.Jid), (fromCarol[0], "carol here", carol.Jid)],
            atOurs.Select(m => (m.Key.Id, m.Text, m.Key.Participant!.Value.ToNonAd().ToString())));
        Assert.All(atOurs, m => Assert.Equal(group, m.Key.RemoteJid.ToString()));

        // Membership changes reach ours as group-participants.update from the w:gp2 notification.
        var removed = await ours.UpdateGroupParticipantsAsync(created.Id, [Jid.Parse(carol.Jid)], "remove");
        Assert.Equal([(carol.Jid, (string?)null)], removed.Select(r => (r.Participant.ToString(), r.Error)));
        var update = await ours.Events.NextAsync<GroupParticipantsUpdate>(seconds: 30);
        Assert.Equal((created.Id, "remove", carol.Jid, ourAccount.Jid), (update.Id, update.Action, Assert.Single(update.Participants).ToString(),
            update.Author!.Value.ToNonAd().ToString()));
        var afterRemoval = await Node.CallAsync<Metadata>("sim.groupMetadata", new { id = "bob", group }, Slow);
        Assert.Equal(2, afterRemoval.Participants.Length);

        // A group a Baileys client creates with ours in it arrives as groups.upsert.
        var bobsGroup = await Node.CallAsync<Metadata>("sim.groupCreate", new { id = "bob", subject = "bob's", participants = new[] { ourAccount.Jid } }, Slow);
        var upsert = await ours.Events.NextAsync<GroupsUpsert>(u => u.Groups.Any(g => g.Id.ToString() == bobsGroup.Id), seconds: 30);
        var announced = Assert.Single(upsert.Groups);
        Assert.Equal("bob's", announced.Subject);
        Assert.Equal(new[] { bob.Jid, ourAccount.Jid }.Order(), announced.Participants.Select(p => p.Jid.ToString()).Order());

        await paired.StopAsync();
    }

    private sealed record Participant(string Id, string? Admin);

    private sealed record Metadata(string Id, string Subject, Participant[] Participants);

    private sealed record Received(string Id, string From, string? Participant, string Text);
}

using WaCluster.Core.Events;
using WaCluster.Core.Groups;
using WaCluster.Core.Store;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;
using WaCluster.Simulator;

namespace WaCluster.Engine.Tests.Groups;

/// <summary>
/// Two of our accounts and three unmodified Baileys clients in one group, LID-addressed (today's groups) and
/// PN-addressed (older ones): texts both ways decrypt at every other member with no decrypt error anywhere; members
/// added later learn of the group (groups.upsert on Baileys, <see cref="GroupJoined"/> on ours) and read the next
/// message at once, and ours answers there; every member's PN-LID pair is learned from the group's metadata.
/// </summary>
public abstract class BaileysGroupAddressingTest(int seed, GroupAddressing addressing) : SimulatorConversationTest(seed, groupAddressing: addressing)
{
    [Fact]
    public async Task Ours_and_baileys_members_converse_and_members_added_later_join_and_read_on()
    {
        var lid = GroupAddressing == GroupAddressing.Lid;
        string Named(AccountInfo a) => lid ? a.Lid : a.Jid;
        string Beside(AccountInfo a) => lid ? a.Jid : a.Lid;
        var first = await PairEngineAsync("15550030001", new RecordingPersister());
        var bob = await StartBaileysAsync("bob");
        var carol = await StartBaileysAsync("carol");
        var (ours, me) = (first.Engine, first.Account);

        var created = await ours.CreateGroupAsync("lid crew", [Jid.Parse(bob.Jid), Jid.Parse(carol.Jid)]);
        Assert.Equal(lid ? GroupAddressingMode.Lid : GroupAddressingMode.Pn, created.AddressingMode);
        Assert.Equal(new[] { me, bob, carol }.Select(a => (Named(a), (string?)Beside(a))).Order(),
            created.Participants.Select(p => (p.Jid.ToString(), (lid ? p.PhoneNumber : p.Lid)?.ToString())).Order());
        var group = created.Id.ToString();

        var fromOurs = new[] { await ours.SendTextAsync(created.Id, "hello crew"), await ours.SendTextAsync(created.Id, "ours again") };
        var fromBob = await Node.CallAsync<string[]>("sim.send", new { id = "bob", to = group, texts = new[] { "bob here" } }, Slow);
        var fromCarol = await Node.CallAsync<string[]>("sim.send", new { id = "carol", to = group, texts = new[] { "carol here" } }, Slow);

        var atBob = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 3 }, Slow);
        var atCarol = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "carol", count = 3 }, Slow);
        Assert.Equal([(fromOurs[0], "hello crew", me), (fromOurs[1], "ours again", me), (fromCarol[0], "carol here", carol)],
            atBob.Select(r => (r.Id, r.Text, Who(Sender(r), me, bob, carol))));
        Assert.Equal([(fromOurs[0], "hello crew", me), (fromOurs[1], "ours again", me), (fromBob[0], "bob here", bob)],
            atCarol.Select(r => (r.Id, r.Text, Who(Sender(r), me, bob, carol))));
        Assert.All(atBob.Concat(atCarol), r => Assert.Equal(group, r.From));
        var atOurs = await ReceiveAsync(ours, 2);
        Assert.Equal([(fromBob[0], "bob here", Named(bob)), (fromCarol[0], "carol here", Named(carol))],
            atOurs.Select(m => (m.Key.Id, m.Text, m.Key.Participant!.Value.ToNonAd().ToString())));

        // Added later: another account of ours and a Baileys client. Each learns of the group from its create notification.
        var second = await PairEngineAsync("15550030002", new RecordingPersister());
        var dave = await StartBaileysAsync("dave");
        var (late, lateAccount) = (second.Engine, second.Account);
        var added = await ours.UpdateGroupParticipantsAsync(created.Id, [Jid.Parse(lateAccount.Jid), Jid.Parse(dave.Jid)], "add");
        Assert.All(added, a => Assert.Null(a.Error));
        var joined = await late.Events.NextAsync<GroupJoined>(j => j.Group.Id == created.Id, seconds: 30);
        Assert.Equal(("lid crew", lid ? GroupAddressingMode.Lid : GroupAddressingMode.Pn, Named(me)),
            (joined.Group.Subject, joined.Group.AddressingMode, joined.Author?.ToNonAd().ToString()));
        Assert.Equal(lid ? me.Jid : null, joined.AuthorPn?.ToString());
        Assert.Equal(new[] { me, bob, carol, lateAccount, dave }.Select(a => (Named(a), (string?)Beside(a))).Order(),
            joined.Group.Participants.Select(p => (p.Jid.ToString(), (lid ? p.PhoneNumber : p.Lid)?.ToString())).Order());
        var learned = new LidMappings(late.Data);
        Assert.All(new[] { me, bob, carol, dave }, a => Assert.Equal((a.Lid, a.Jid), (learned.LidOf(Jid.Parse(a.Jid))?.ToString(), learned.PnOf(Jid.Parse(a.Lid))?.ToString())));
        var upsert = Assert.Single(await Node.CallAsync<Upsert[]>("sim.lid.waitGroupUpserts", new { id = "dave", count = 1 }, Slow));
        Assert.Equal((group, lid ? "lid" : "pn", 5), (upsert.Id, upsert.AddressingMode, upsert.Participants.Length));

        // The next message reaches both newcomers; then ours newcomer answers at once.
        var welcome = Assert.Single(await Node.CallAsync<string[]>("sim.send", new { id = "bob", to = group, texts = new[] { "welcome both" } }, Slow));
        var atLate = Assert.Single(await ReceiveAsync(late, 1));
        Assert.Equal((welcome, "welcome both", group, Named(bob)), (atLate.Key.Id, atLate.Text, atLate.Key.RemoteJid.ToString(), atLate.Key.Participant!.Value.ToNonAd().ToString()));
        var answer = await late.SendTextAsync(created.Id, "thanks from ours");
        var atDave = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "dave", count = 2 }, Slow);
        Assert.Equal([(welcome, "welcome both", bob), (answer, "thanks from ours", lateAccount)],
            atDave.Select(r => (r.Id, r.Text, Who(Sender(r), bob, lateAccount))));
        var atBobLast = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 4 }, Slow);
        Assert.Equal((answer, "thanks from ours"), (atBobLast[3].Id, atBobLast[3].Text));
        var atCarolLast = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "carol", count = 5 }, Slow);
        Assert.Equal([welcome, answer], atCarolLast.Skip(3).Select(r => r.Id));
        var atOursLast = await ReceiveAsync(ours, 2);
        Assert.Equal([(welcome, Named(bob)), (answer, Named(lateAccount))], atOursLast.Select(m => (m.Key.Id, m.Key.Participant!.Value.ToNonAd().ToString())));

        foreach (var member in new[] { "bob", "carol", "dave" })
        {
            Assert.Empty(await Node.CallAsync<string[]>("engine.lid.undecrypted", new { id = member }, Slow));
        }
        await second.StopAsync();
        await first.StopAsync();

        string Sender(Received r) => Jid.Parse(r.Participant!).ToNonAd().ToString();

        AccountInfo Who(string sender, params AccountInfo[] candidates) => Assert.Single(candidates, c => Named(c) == sender);
    }

    // Our account's received messages, until it has count of them; any engine error on the way fails the test.
    private static async Task<List<ReceivedMessage>> ReceiveAsync(AccountEngine engine, int count)
    {
        var received = new List<ReceivedMessage>();
        while (received.Count < count)
        {
            var next = await engine.Events.NextAsync<EngineEvent>(e => e is MessagesUpsert or EngineError, seconds: 40);
            if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
            received.AddRange(((MessagesUpsert)next).Messages);
        }
        return received;
    }

    private sealed record Received(string Id, string From, string? Participant, string Text);

    private sealed record UpsertParticipant(string Id, string? PhoneNumber, string? Lid);

    private sealed record Upsert(string Id, string AddressingMode, UpsertParticipant[] Participants);
}

[Trait("Proof", "engine-lid")]
public sealed class BaileysLidAddressedGroupTests() : BaileysGroupAddressingTest(seed: 51, GroupAddressing.Lid);

[Trait("Proof", "engine-lid")]
public sealed class BaileysPnAddressedGroupTests() : BaileysGroupAddressingTest(seed: 52, GroupAddressing.Pn);

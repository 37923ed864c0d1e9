using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Retry receipts beyond 1:1 chats, forced on unmodified Baileys clients by making them lose keys: a group member that
/// lost our sender key asks again and gets the message with our sender key, for it alone; another device of our own
/// account that lost its session gets its device-sent copy again.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class BaileysRetryBeyondOneToOneTests() : SimulatorConversationTest(seed: 31)
{
    [Fact]
    public async Task A_member_that_lost_our_sender_key_gets_the_group_message_again_with_it_and_nobody_else_twice()
    {
        SentStanzas wire = null!;
        var paired = await PairEngineAsync("15550016001", new RecordingPersister(), wrapTransport: inner => wire = new SentStanzas(inner));
        var ours = paired.Engine;
        var bob = await StartBaileysAsync("bob");
        var carol = await StartBaileysAsync("carol");
        var group = (await ours.CreateGroupAsync("retries", [Jid.Parse(bob.Jid), Jid.Parse(carol.Jid)])).Id;
        var first = await ours.SendTextAsync(group, "first");
        await Node.CallAsync("sim.waitReceived", new { id = "bob", count = 1 }, Slow);
        await Node.CallAsync("sim.waitReceived", new { id = "carol", count = 1 }, Slow);

        Assert.True(await Node.CallAsync<int>("sim.group.forgetSenderKeys", new { id = "bob", group = group.ToString() }, Slow) > 0);
        var second = await ours.SendTextAsync(group, "second");
        var atBob = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 2 }, Slow);
        Assert.Equal([(first, "first"), (second, "second")], atBob.Select(r => (r.Id, r.Text)));

        // The resend went to the group for Bob's device alone, carrying our sender key pairwise.
        var resend = Assert.Single(wire.Sent, n => n.Tag == "message" && n.GetAttribute("id") == second && n.GetAttribute("participant") is not null);
        Assert.Equal((group.ToString(), bob.Jid), (resend.GetAttribute("to"), resend.GetJid("participant")!.Value.ToNonAd().ToString()));
        var pairwise = Assert.Single(resend.GetChild("participants")!.GetChildren("to"));
        Assert.Equal(bob.Jid, pairwise.GetJid("jid")!.Value.ToNonAd().ToString());
        Assert.NotNull(pairwise.GetChild("enc")!.GetAttribute("count"));

        var third = await ours.SendTextAsync(group, "third");
        var atCarol = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "carol", count = 3 }, Slow);
        Assert.Equal([(first, "first"), (second, "second"), (third, "third")], atCarol.Select(r => (r.Id, r.Text)));
        Assert.Equal((third, "third"), (await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 3 }, Slow)).Select(r => (r.Id, r.Text)).Last());

        await paired.StopAsync();
    }

    [Fact]
    public async Task Our_other_device_that_lost_its_session_gets_its_copy_of_our_message_again()
    {
        const string phone = "15550016101";
        var paired = await PairEngineAsync(phone, new RecordingPersister());
        var ours = paired.Engine;
        // A Baileys client linked as a second device of our account.
        var start = await Node.CallAsync<StartResult>("sim.start", new
        {
            id = "twin", url = Host.ChatUri.ToString(), rootKey = Convert.ToBase64String(Host.Simulator.RootPublicKey), name = "twin",
        }, Slow);
        var twin = await Host.Simulator.ScanAsync(start.Qr, phone).WaitAsync(Slow);
        await Node.CallAsync("sim.waitOpen", new { id = "twin", opens = 1 }, Slow);
        Assert.Equal(paired.Account.Jid, twin.Jid);
        var bob = await StartBaileysAsync("bob");
        var bobJid = Jid.Parse(bob.Jid);

        var one = await ours.SendTextAsync(bobJid, "one");
        Assert.Equal((one, bob.Jid, "one"), (await Node.CallAsync<OwnCopy[]>("sim.waitOwnCopies", new { id = "twin", count = 1 }, Slow)).Select(c => (c.Id, c.Chat, c.Text)).Single());

        Assert.True(await Node.CallAsync<int>("sim.forgetSessions", new { id = "twin" }, Slow) > 0);
        var two = await ours.SendTextAsync(bobJid, "two");
        var copies = await Node.CallAsync<OwnCopy[]>("sim.waitOwnCopies", new { id = "twin", count = 2 }, Slow);
        Assert.Equal([(one, bob.Jid, "one"), (two, bob.Jid, "two")], copies.Select(c => (c.Id, c.Chat, c.Text)));
        var atBob = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 2 }, Slow);
        Assert.Equal([(one, "one"), (two, "two")], atBob.Select(r => (r.Id, r.Text)));

        await paired.StopAsync();
    }

    private sealed record StartResult(string Qr);

    private sealed record Received(string Id, string From, string? Participant, string Text);

    private sealed record OwnCopy(string Id, string Chat, string Text);
}

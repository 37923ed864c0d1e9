using WaCluster.Core.Events;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// With an unmodified Baileys peer: a burst of concurrent and sequential sends asks the server for device lists once,
/// and again only after the peer linked another device (the server's devices notification);
/// contacts.upsert announces the peer from the on-WhatsApp check, its LID from the device list and its push name from
/// its first message, each news once.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class ContactsAndDeviceListsTests() : SimulatorConversationTest(seed: 41)
{
    [Fact]
    public async Task A_burst_of_sends_does_one_usync_and_contacts_are_announced_once_per_news()
    {
        SentStanzas wire = null!;
        var paired = await PairEngineAsync("15550018001", new RecordingPersister(), wrapTransport: inner => wire = new SentStanzas(inner));
        var ours = paired.Engine;
        var bob = await StartBaileysAsync("bob");
        var bobJid = Jid.Parse(bob.Jid);

        var onWhatsApp = await ours.OnWhatsAppAsync([bobJid.User]);
        Assert.True(Assert.Single(onWhatsApp).Exists);

        var burst = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => ours.SendTextAsync(bobJid, $"burst {i}")));
        var more = new[] { await ours.SendTextAsync(bobJid, "then one"), await ours.SendTextAsync(bobJid, "and another") };
        var atBob = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 7 }, Slow);
        Assert.Equal(burst.Concat(more).Order(), atBob.Select(r => r.Id).Order());
        Assert.Single(wire.Sent, IsDeviceQuery);

        // Bob links a second device: the server's devices notification drops the cached list, so the next send reaches it.
        var start = await Node.CallAsync<StartResult>("sim.start", new
        {
            id = "bob2", url = Host.ChatUri.ToString(), rootKey = Convert.ToBase64String(Host.Simulator.RootPublicKey), name = "bob",
        }, Slow);
        Assert.Equal(bob.Jid, (await Host.Simulator.ScanAsync(start.Qr, bob.Phone).WaitAsync(Slow)).Jid);
        await Node.CallAsync("sim.waitOpen", new { id = "bob2", opens = 1 }, Slow);
        await Eventually.UntilAsync(() => wire.Sent.Any(n => n.Tag == "ack" && n.GetAttribute("class") == "notification" && n.GetAttribute("type") == "devices"),
            TimeSpan.FromSeconds(30), "the devices notification acked");
        var toBoth = await ours.SendTextAsync(bobJid, "to both devices");
        Assert.Equal((toBoth, "to both devices"), (await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob2", count = 1 }, Slow))
            .Select(r => (r.Id, r.Text)).Single());
        Assert.Equal(2, wire.Sent.Count(IsDeviceQuery));

        await Node.CallAsync<string[]>("sim.send", new { id = "bob", to = paired.Account.Jid, texts = new[] { "hi", "again" } }, Slow);
        var received = 0;
        var contacts = new List<ContactInfo>();
        while (received < 2)
        {
            var next = await ours.Events.NextAsync<EngineEvent>(e => e is MessagesUpsert or ContactsUpsert or EngineError, seconds: 30);
            if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
            if (next is ContactsUpsert upsert) contacts.AddRange(upsert.Contacts);
            if (next is MessagesUpsert messages) received += messages.Messages.Count;
        }
        while (ours.Events.TryRead(out var late))
        {
            if (late is ContactsUpsert upsert) contacts.AddRange(upsert.Contacts);
        }
        var lid = Jid.Parse(bob.Lid).ToNonAd();
        Assert.Equal([new ContactInfo(bobJid), new ContactInfo(bobJid, Lid: lid), new ContactInfo(bobJid, "bob", lid)], contacts);

        await paired.StopAsync();
    }

    private static bool IsDeviceQuery(BinaryNode node) =>
        node.Tag == "iq" && node.GetAttribute("xmlns") == "usync" && node.GetChild("usync")?.GetAttribute("context") == "message";

    private sealed record StartResult(string Qr);

    private sealed record Received(string Id, string From, string? Participant, string Text);
}

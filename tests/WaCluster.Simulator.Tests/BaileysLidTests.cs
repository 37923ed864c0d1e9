using WaCluster.Protocol.Jids;
using WaCluster.TestSupport;

namespace WaCluster.Simulator.Tests;

/// <summary>
/// Today's WhatsApp addressing against unmodified Baileys clients: LID groups, a member added later, a 1:1 chat
/// with a LID-addressed user, privacy tokens required for 1:1 sends, and statuses to a recipient list.
/// </summary>
[Trait("Proof", "sim-lid")]
public sealed class BaileysLidTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private NodeHarness _node = null!;
    private SimulatorHost? _host;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync()
    {
        await _node.CallAsync("sim.stopAll", timeout: BaileysPeers.Slow);
        await _node.DisposeAsync();
        if (_host is not null) await _host.DisposeAsync();
        _http.Dispose();
    }

    [Theory]
    [InlineData(GroupAddressing.Lid)]
    [InlineData(GroupAddressing.Pn)]
    public async Task Three_clients_converse_in_a_group_and_a_member_added_later_learns_of_it_and_reads_on(GroupAddressing addressing)
    {
        var peers = await StartAsync(new SimulatorOptions { Seed = 7, DefaultGroupAddressing = addressing });
        var hana = await peers.PairAsync("hana");
        var ivan = await peers.PairAsync("ivan");
        var jack = await peers.PairAsync("jack");
        var kim = await peers.PairAsync("kim");
        var lid = addressing == GroupAddressing.Lid;
        string Named(AccountInfo a) => lid ? a.Lid : a.Jid;
        string Beside(AccountInfo a) => lid ? a.Jid : a.Lid;

        var group = await peers.CallAsync<GroupMetadata>("sim.groupCreate", new { id = "hana", subject = "quartet", participants = new[] { ivan.Jid, jack.Jid } });
        Assert.Equal(new[] { hana, ivan, jack }.Select(Named).Order(), group.Participants.Select(p => p.Id).Order());
        var seenByIvan = await peers.CallAsync<GroupMetadata>("sim.lid.groupMetadata", new { id = "ivan", group = group.Id });
        Assert.Equal(lid ? "lid" : "pn", seenByIvan.AddressingMode);
        Assert.Equal(Named(hana), seenByIvan.Owner);
        foreach (var member in new[] { hana, ivan, jack })
        {
            var participant = Assert.Single(seenByIvan.Participants, p => p.Id == Named(member));
            Assert.Equal(Beside(member), lid ? participant.PhoneNumber : participant.Lid);
        }

        await peers.SendAsync("hana", group.Id, "hello quartet");
        foreach (var member in new[] { "ivan", "jack" })
        {
            var got = Assert.Single(await peers.WaitReceivedAsync(member, 1));
            Assert.Equal(("hello quartet", group.Id, Named(hana)), (got.Text, got.From, got.Participant));
            Assert.Equal(Beside(hana), UserOf(got.Alt));
        }
        await peers.SendAsync("ivan", group.Id, "hi from ivan");
        await peers.SendAsync("jack", group.Id, "hi from jack");
        var atHana = await peers.WaitReceivedAsync("hana", 2);
        Assert.Equal(new[] { "hi from ivan", "hi from jack" }, atHana.Select(m => m.Text).Order());
        Assert.Equal(new[] { Named(ivan), Named(jack) }.Order(), atHana.Select(m => m.Participant).Order());

        var added = await peers.CallAsync<ParticipantStatus[]>("sim.group.participants", new { id = "hana", group = group.Id, participants = new[] { kim.Jid }, action = "add" });
        Assert.Equal("200", Assert.Single(added).Status);
        // kim learns of the group from its create notification: Baileys' groups.upsert with the full member list.
        var upsert = Assert.Single(await peers.CallAsync<GroupMetadata[]>("sim.lid.waitGroupUpserts", new { id = "kim", count = 1 }));
        Assert.Equal((group.Id, "quartet", lid ? "lid" : "pn"), (upsert.Id, upsert.Subject, upsert.AddressingMode));
        Assert.Equal(new[] { hana, ivan, jack, kim }.Select(Named).Order(), upsert.Participants.Select(p => p.Id).Order());
        // The members already in get the add.
        var addEvent = Assert.Single(await peers.CallAsync<GroupEvent[]>("sim.group.waitEvents", new { id = "ivan", count = 1, @event = "group-participants.update" }));
        Assert.Equal(("add", Named(kim)), (addEvent.Action, Assert.Single(addEvent.Participants)));

        await peers.SendAsync("hana", group.Id, "welcome kim");
        var atKim = Assert.Single(await peers.WaitReceivedAsync("kim", 1));
        Assert.Equal(("welcome kim", group.Id, Named(hana)), (atKim.Text, atKim.From, atKim.Participant));
        Assert.Equal("welcome kim", (await peers.WaitReceivedAsync("jack", 3))[2].Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_lid_addressed_user_writes_from_its_lid_with_sender_pn_and_the_reply_reaches_it(bool lidByOption)
    {
        // Every new user by option, or one user switched through the admin route.
        var peers = await StartAsync(new SimulatorOptions { Seed = 8, LidAddressedUsers = lidByOption });
        var lou = await peers.PairAsync("lou");
        var max = await peers.PairAsync("max");
        if (!lidByOption) await peers.SetAddressingAsync(lou.Phone, "lid");

        await peers.SendAsync("lou", max.Jid, "from a lid user");
        var got = Assert.Single(await peers.WaitReceivedAsync("max", 1));
        Assert.Equal(("from a lid user", lou.Lid), (got.Text, got.From));
        Assert.Equal(lou.Jid, UserOf(got.Alt)); // sender_pn
        var mapping = await peers.CallAsync<Mapping>("sim.lid.mapping", new { id = "max", lid = lou.Lid, pn = lou.Jid });
        Assert.Equal((lou.Jid, lou.Lid), (UserOf(mapping.PnForLid), UserOf(mapping.LidForPn)));

        // max answers the chat as Baileys keys it: by lou's LID.
        await peers.SendAsync("max", got.From, "answer to your lid");
        var atLou = Assert.Single(await peers.WaitReceivedAsync("lou", 1));
        Assert.Equal(("answer to your lid", max.Lid), (atLou.Text, atLou.From));
        Assert.Equal(max.Jid, UserOf(atLou.Alt));
    }

    [Fact]
    public async Task A_lid_addressed_users_other_device_gets_its_copy_from_the_lid_with_peer_recipient_pn()
    {
        var peers = await StartAsync(new SimulatorOptions { Seed = 11, LidAddressedUsers = true });
        var uma = await peers.PairAsync("uma");
        var vic = await peers.PairAsync("vic");
        await peers.PairAsync("uma-2", uma.Phone);

        var sent = await peers.SendAsync("uma", vic.Lid, "to your lid");
        var copy = Assert.Single(await peers.CallAsync<OwnCopy[]>("sim.waitOwnCopies", new { id = "uma-2", count = 1 }));
        Assert.Equal((sent, vic.Lid, "to your lid"), (copy.Id, copy.Chat, copy.Text));
        Assert.Equal(uma.Jid, UserOf(copy.Alt)); // peer_recipient_pn: the sender's own phone number
        Assert.Equal("to your lid", Assert.Single(await peers.WaitReceivedAsync("vic", 1)).Text);
    }

    [Fact]
    public async Task With_privacy_tokens_required_a_first_send_to_a_stranger_is_refused_until_the_contact_issued_a_token()
    {
        var peers = await StartAsync(new SimulatorOptions { Seed = 9, RequirePrivacyTokens = true });
        var nia = await peers.PairAsync("nia");
        var oto = await peers.PairAsync("oto");

        var knock = await peers.SendAsync("nia", oto.Jid, "knock knock");
        var refused = Assert.Single(await peers.CallAsync<SendError[]>("sim.lid.waitSendErrors", new { id = "nia", count = 1 }));
        Assert.Equal((knock, "463"), (refused.Id, refused.Error));

        // Sending, nia issued its token to oto: oto now holds it and may write to nia.
        await peers.CallAsync("sim.lid.waitTcToken", new { id = "oto", jid = nia.Lid });
        await peers.SendAsync("oto", nia.Jid, "come in");
        Assert.Equal("come in", Assert.Single(await peers.WaitReceivedAsync("nia", 1)).Text);

        // And oto's send issued oto's token to nia: nia's next message goes through.
        await peers.CallAsync("sim.lid.waitTcToken", new { id = "nia", jid = oto.Lid });
        await peers.SendAsync("nia", oto.Jid, "thanks");
        var atOto = Assert.Single(await peers.WaitReceivedAsync("oto", 1)); // the refused knock never arrived before it
        Assert.Equal("thanks", atOto.Text);
    }

    [Fact]
    public async Task A_status_reaches_the_listed_recipients_only()
    {
        var peers = await StartAsync(new SimulatorOptions { Seed = 10 });
        var pia = await peers.PairAsync("pia");
        var quin = await peers.PairAsync("quin");
        var rex = await peers.PairAsync("rex");
        var sam = await peers.PairAsync("sam");

        var status = await peers.CallAsync<string>("sim.lid.sendStatus", new { id = "pia", text = "my status", statusJidList = new[] { quin.Jid, rex.Jid } });
        foreach (var recipient in new[] { "quin", "rex" })
        {
            var got = Assert.Single(await peers.WaitReceivedAsync(recipient, 1));
            Assert.Equal((status, "my status", "status@broadcast", pia.Jid), (got.Id, got.Text, got.From, got.Participant));
        }
        // sam was not listed: a later direct message is the first thing sam gets.
        await peers.SendAsync("pia", sam.Jid, "only for you");
        Assert.Equal("only for you", Assert.Single(await peers.WaitReceivedAsync("sam", 1)).Text);
    }

    private async Task<BaileysPeers> StartAsync(SimulatorOptions options)
    {
        _host = await SimulatorHost.StartAsync(options);
        return new BaileysPeers(_host, _node, _http);
    }

    /// <summary>The user JID (no device) of a JID Baileys reports, which may name a device.</summary>
    private static string? UserOf(string? jid) => jid is null ? null : Jid.Parse(jid).ToNonAd().ToString();

    private sealed record GroupMetadata(string Id, string? Subject, string? AddressingMode, string? Owner, GroupMember[] Participants);

    private sealed record GroupMember(string Id, string? PhoneNumber, string? Lid, string? Admin);

    private sealed record ParticipantStatus(string Jid, string Status);

    private sealed record GroupEvent(string Event, string? Action, string[] Participants);

    private sealed record Mapping(string? PnForLid, string? LidForPn);

    private sealed record SendError(string Id, string Error);

    private sealed record OwnCopy(string Id, string Chat, string Text, string? Alt);
}

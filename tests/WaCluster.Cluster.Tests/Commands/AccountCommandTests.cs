using System.Text.Json.Nodes;
using WaCluster.Client;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cluster.Tests.Commands;

/// <summary>
/// The account commands that act on the live engine, through <see cref="IWhatsAppCluster"/> on a node with the real
/// engine, against the simulator and unmodified Baileys peers: each test checks what the other side really saw.
/// </summary>
[Trait("Proof", "cluster-engine")]
public sealed class AccountCommandTests(CommandsCluster cluster) : IClassFixture<CommandsCluster>
{
    private IWhatsAppCluster Accounts => cluster.Accounts;

    private AccountEventLog Events => cluster.Events;

    [Fact]
    public async Task A_pairing_code_is_replied_and_published_and_links_the_account_when_entered_on_the_phone()
    {
        const string phone = "15550003001";
        await Accounts.StartAccountAsync("coded");
        await Events.NextAsync<QrCodeIssued>("coded"); // registering: the socket is up

        var code = await Accounts.RequestPairingCodeAsync("coded", phone);

        Assert.Equal(code, (await Events.NextAsync<PairingCodeIssued>("coded")).Code);
        var linked = await cluster.Simulator.Simulator.EnterPairingCodeAsync(phone, code).WaitAsync(CommandsCluster.Slow);
        Assert.Equal(phone, linked.Phone);
        await Events.NextAsync<ConnectionChanged>("coded", c => c.Connection == ConnectionState.Connected);
        Assert.True((await Accounts.GetStatusAsync("coded")).HasCreds);

        // A code links only a new device: the paired account refuses another one.
        var again = await Assert.ThrowsAsync<AccountCommandRejectedException>(() => Accounts.RequestPairingCodeAsync("coded", phone));
        Assert.Equal(RejectionReason.Invalid, again.Rejection.Reason);
        Assert.Contains("already paired", again.Rejection.Detail);
    }

    [Fact]
    public async Task Receipts_read_marks_and_every_received_kind_travel_both_ways_with_a_Baileys_peer()
    {
        var account = await cluster.PairAsync("reader", "15550003011");
        var peer = await cluster.StartBaileysAsync("reader-peer");

        // Ours to the peer: its delivery receipt and then its read receipt come back as status events.
        await Accounts.SendTextAsync("reader", "reader-1", peer.Jid, "hello peer");
        var atPeer = Assert.Single(await cluster.Node.CallAsync<List<PeerReceived>>("sim.waitReceived", new { id = "reader-peer", count = 1 }, CommandsCluster.Slow));
        Assert.Equal("hello peer", atPeer.Text);
        var delivered = await Events.NextAsync<MessageStatusChanged>("reader", s => s.MessageId == atPeer.Id && s.Status == MessageStatus.Delivered);
        Assert.StartsWith(peer.Phone, delivered.ChatJid, StringComparison.Ordinal);
        await cluster.Node.CallAsync("sim.read", new { id = "reader-peer", messageIds = new[] { atPeer.Id } }, CommandsCluster.Slow);
        await Events.NextAsync<MessageStatusChanged>("reader", s => s.MessageId == atPeer.Id && s.Status == MessageStatus.Read);

        // The peer's text, then our read mark: the peer sees its message read (status 4).
        var peerIds = await cluster.Node.CallAsync<string[]>("sim.send", new { id = "reader-peer", to = account.Jid, texts = new[] { "hello reader" } }, CommandsCluster.Slow);
        var text = await Events.NextAsync<MessageReceived>("reader", m => m.MessageId == peerIds[0]);
        Assert.Equal((MessageKind.Text, "hello reader"), (text.Kind, text.Text));
        await Accounts.MarkReadAsync("reader", text.ChatJid, text.FromJid, [text.MessageId]);
        await cluster.Node.CallAsync("sim.waitStatus", new { id = "reader-peer", messageIds = peerIds, status = 4 }, CommandsCluster.Slow);

        // Reply, reaction, edit and revoke by the peer arrive as kinds pointing at their targets.
        var reply = await PeerActsAsync(account.Jid, "reply", "a reply", atPeer.Id, fromMe: false);
        var reaction = await PeerActsAsync(account.Jid, "reaction", "👍", atPeer.Id, fromMe: false);
        var edit = await PeerActsAsync(account.Jid, "edit", "hello reader, edited", peerIds[0], fromMe: true);
        var revoke = await PeerActsAsync(account.Jid, "revoke", null, peerIds[0], fromMe: true);
        var replied = await Events.NextAsync<MessageReceived>("reader", m => m.MessageId == reply);
        Assert.Equal((MessageKind.Reply, "a reply", atPeer.Id), (replied.Kind, replied.Text, replied.TargetMessageId));
        var reacted = await Events.NextAsync<MessageReceived>("reader", m => m.MessageId == reaction);
        Assert.Equal((MessageKind.Reaction, "👍", atPeer.Id), (reacted.Kind, reacted.Text, reacted.TargetMessageId));
        var edited = await Events.NextAsync<MessageReceived>("reader", m => m.MessageId == edit);
        Assert.Equal((MessageKind.Edit, "hello reader, edited", peerIds[0]), (edited.Kind, edited.Text, edited.TargetMessageId));
        var revoked = await Events.NextAsync<MessageReceived>("reader", m => m.MessageId == revoke);
        Assert.Equal((MessageKind.Revoke, peerIds[0]), (revoked.Kind, revoked.TargetMessageId));
        // One event per incoming message, whatever its kind.
        foreach (var id in new[] { peerIds[0], reply, reaction, edit, revoke })
        {
            Assert.Single(Events.All, e => e is MessageReceived m && m.MessageId == id);
        }
    }

    [Fact]
    public async Task Presence_and_chat_states_reach_a_subscribed_Baileys_peer()
    {
        var account = await cluster.PairAsync("present", "15550003021");
        var peer = await cluster.StartBaileysAsync("present-peer");
        await cluster.Node.CallAsync("peer.watchPresence", new { id = "present-peer", jid = account.Jid }, CommandsCluster.Slow);

        // No push name yet: WhatsApp would not show the online state, so the account refuses it.
        var nameless = await Assert.ThrowsAsync<AccountCommandRejectedException>(() => Accounts.SendPresenceAsync("present", PresenceKind.Available, ""));
        Assert.Contains("push name", nameless.Rejection.Detail);

        var seen = 0;
        async Task Expect(PresenceKind kind, string to, string presence, string? pushName = null)
        {
            await Accounts.SendPresenceAsync("present", kind, to, pushName);
            var answer = await cluster.Node.CallAsync("peer.waitPresence",
                new { id = "present-peer", user = account.Phone, presence, after = seen }, CommandsCluster.Slow);
            seen = answer!["updates"]!.GetValue<int>();
        }

        await Expect(PresenceKind.Composing, peer.Jid, "composing");
        // Baileys reports a paused chat state as available.
        await Expect(PresenceKind.Paused, peer.Jid, "available");
        await Expect(PresenceKind.Recording, peer.Jid, "recording");
        await Expect(PresenceKind.Unavailable, "", "unavailable", pushName: "Present");
        await Expect(PresenceKind.Available, "", "available");

        var invalid = await Assert.ThrowsAsync<AccountCommandRejectedException>(() => Accounts.SendPresenceAsync("present", PresenceKind.Unspecified, ""));
        Assert.Equal(RejectionReason.Invalid, invalid.Rejection.Reason);

        // The peer's chat state towards the account is published as a presence change.
        await cluster.Node.CallAsync("peer.sendPresence", new { id = "present-peer", type = "composing", to = account.Jid }, CommandsCluster.Slow);
        var typing = await Events.NextAsync<PresenceChanged>("present", p => p.Presence == "composing");
        Assert.StartsWith(peer.Phone, typing.ChatJid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Group_operations_change_the_group_a_Baileys_member_reads_and_publish_the_changes()
    {
        var owner = await cluster.PairAsync("grouper", "15550003031");
        var member = await cluster.StartBaileysAsync("group-peer");
        var phoneOnly = cluster.Simulator.Simulator.CreateUser("15550003039");

        var created = await Group(GroupAction.Create, "", "cluster group", member.Jid);
        Assert.EndsWith("@g.us", created.GroupJid, StringComparison.Ordinal);
        Assert.Equal(("g-create", "cluster group"), (created.RequestId, created.Subject));
        Assert.Equivalent(new[] { owner.Jid, member.Jid }, created.Participants.Select(p => p.Jid));
        var group = created.GroupJid;
        var seen = await MetadataAsync(group);
        Assert.Equal("cluster group", seen.Subject);
        Assert.Equivalent(new[] { owner.Jid, member.Jid }, seen.Participants.Select(p => p.Id));
        var upsert = await Events.NextAsync<GroupChanged>("grouper", g => g.GroupJid == group && g.Change == GroupChange.Created);
        Assert.Equal("cluster group", upsert.Subject);

        var added = await Group(GroupAction.Add, group, "", phoneOnly.Jid);
        Assert.Equal((phoneOnly.Jid, ""), (Assert.Single(added.Results).Jid, added.Results[0].Error));
        Assert.Contains(phoneOnly.Jid, (await MetadataAsync(group)).Participants.Select(p => p.Id));
        Assert.Equal([phoneOnly.Jid], (await Events.NextAsync<GroupChanged>("grouper", g => g.Change == GroupChange.Add)).ParticipantJids);

        await Group(GroupAction.Promote, group, "", member.Jid);
        Assert.Equal("admin", (await MetadataAsync(group)).Participants.Single(p => p.Id == member.Jid).Admin);
        await Events.NextAsync<GroupChanged>("grouper", g => g.Change == GroupChange.Promote);
        await Group(GroupAction.Demote, group, "", member.Jid);
        Assert.Null((await MetadataAsync(group)).Participants.Single(p => p.Id == member.Jid).Admin);

        var renamed = await Group(GroupAction.SetSubject, group, "renamed group");
        Assert.Equal("renamed group", renamed.Subject);
        Assert.Equal("renamed group", (await MetadataAsync(group)).Subject);
        Assert.Equal("renamed group", (await Events.NextAsync<GroupChanged>("grouper", g => g.Change == GroupChange.Subject)).Subject);

        var described = await Group(GroupAction.SetDescription, group, "about the group");
        Assert.Equal("about the group", described.Description);
        Assert.Equal("about the group", (await Events.NextAsync<GroupChanged>("grouper", g => g.Change == GroupChange.Description)).Description);
        Assert.True((await Group(GroupAction.AnnouncementOn, group, "")).Announce);
        Assert.True((await Events.NextAsync<GroupChanged>("grouper", g => g.Change == GroupChange.Settings && g.Announce)).Announce);
        Assert.True((await Group(GroupAction.Lock, group, "")).Locked);
        Assert.Equal(86400u, (await Group(GroupAction.SetEphemeral, group, "", ephemeralSeconds: 86400)).EphemeralSeconds);
        Assert.Equal(new PeerSettings("about the group", true, true, 86400),
            await cluster.Node.CallAsync<PeerSettings>("peer.groupSettings", new { id = "group-peer", group }, CommandsCluster.Slow));
        Assert.False((await Group(GroupAction.AnnouncementOff, group, "")).Announce);
        Assert.False((await Group(GroupAction.Unlock, group, "")).Locked);
        Assert.Equal(new PeerSettings("about the group", false, false, 86400),
            await cluster.Node.CallAsync<PeerSettings>("peer.groupSettings", new { id = "group-peer", group }, CommandsCluster.Slow));

        var removed = await Group(GroupAction.Remove, group, "", phoneOnly.Jid);
        Assert.DoesNotContain(phoneOnly.Jid, removed.Participants.Select(p => p.Jid));
        Assert.DoesNotContain(phoneOnly.Jid, (await MetadataAsync(group)).Participants.Select(p => p.Id));

        // Someone not on WhatsApp: the server's per-participant error, and the group unchanged.
        var stranger = await Group(GroupAction.Add, group, "", "15559999999@s.whatsapp.net");
        Assert.Equal("404", Assert.Single(stranger.Results).Error);
        var bad = await Assert.ThrowsAsync<AccountCommandRejectedException>(() => Group(GroupAction.Add, owner.Jid, "", member.Jid));
        Assert.Equal(RejectionReason.Invalid, bad.Rejection.Reason);

        await Group(GroupAction.Leave, group, "");
        Assert.Equal([member.Jid], (await MetadataAsync(group)).Participants.Select(p => p.Id));
    }

    private Task<GroupOperationResult> Group(GroupAction action, string group, string subject, params string[] participants) =>
        Group(action, group, subject, 0, participants);

    private Task<GroupOperationResult> Group(GroupAction action, string group, string subject, uint ephemeralSeconds, params string[] participants) =>
        Accounts.GroupOperationAsync(new GroupOperation
        {
            AccountId = "grouper",
            RequestId = "g-" + action.ToString().ToLowerInvariant(),
            Action = action,
            GroupJid = group,
            Subject = subject,
            EphemeralSeconds = ephemeralSeconds,
            ParticipantJids = { participants },
        });

    private Task<PeerGroup> MetadataAsync(string group) =>
        cluster.Node.CallAsync<PeerGroup>("sim.groupMetadata", new { id = "group-peer", group }, CommandsCluster.Slow);

    private Task<string> PeerActsAsync(string to, string kind, string? text, string targetId, bool fromMe) =>
        cluster.Node.CallAsync<string>("sim.sendKind", new { id = "reader-peer", to, kind, text, targetId, fromMe }, CommandsCluster.Slow);

    private sealed record PeerReceived(string Id, string From, string Text);

    private sealed record PeerGroup(string Id, string Subject, List<PeerMember> Participants);

    private sealed record PeerMember(string Id, string? Admin);

    private sealed record PeerSettings(string? Desc, bool Announce, bool Restrict, int EphemeralDuration);
}

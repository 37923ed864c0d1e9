using WaCluster.Core.Events;
using WaCluster.Core.Groups;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Group administration between our engine and unmodified Baileys members: subject, description, settings,
/// disappearing messages and ranks changed by ours reach Baileys as its groups.update / group-participants.update, and
/// the same changes by a Baileys admin reach ours. After a member is removed, ours sends under a fresh sender key: the
/// remaining member reads it, the removed member's own key store cannot, although it still reads what came before.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class BaileysGroupAdminTests() : SimulatorConversationTest(seed: 29)
{
    [Fact]
    public async Task Group_changes_flow_both_ways_and_a_removed_member_cannot_read_what_follows()
    {
        var persister = new RecordingPersister();
        SentStanzas wire = null!;
        var paired = await PairEngineAsync("15550014001", persister, wrapTransport: inner => wire = new SentStanzas(inner));
        var (ours, ourAccount) = (paired.Engine, paired.Account);
        var bob = await StartBaileysAsync("bob");
        var carol = await StartBaileysAsync("carol");
        var created = await ours.CreateGroupAsync("admin", [Jid.Parse(bob.Jid), Jid.Parse(carol.Jid)]);
        var group = created.Id;

        // Ours changes the info and the settings; Baileys reads each as a groups.update by ours, the timer from the metadata.
        // (One change at a time: Baileys' event buffer drops all but the first groups.update of a group in a burst.)
        var changes = new Func<Task>[]
        {
            () => ours.UpdateGroupSubjectAsync(group, "renamed"),
            () => ours.UpdateGroupDescriptionAsync(group, "about us"),
            () => ours.UpdateGroupSettingAsync(group, GroupSetting.Announcement),
            () => ours.UpdateGroupSettingAsync(group, GroupSetting.Locked),
        };
        for (var i = 0; i < changes.Length; i++)
        {
            await changes[i]();
            await Node.CallAsync<GroupEvent[]>("sim.group.waitEvents", new { id = "bob", count = i + 1 }, Slow);
        }
        await ours.ToggleGroupEphemeralAsync(group, 86400);
        await ours.UpdateGroupParticipantsAsync(group, [Jid.Parse(bob.Jid)], "promote");
        var atBob = await Node.CallAsync<GroupEvent[]>("sim.group.waitEvents", new { id = "bob", count = 5 }, Slow);
        Assert.Equal(
            [("groups.update", "renamed", null, null, null), ("groups.update", null, "about us", null, null), ("groups.update", null, null, true, null),
                ("groups.update", null, null, null, true), ("group-participants.update", null, null, null, null)],
            atBob.Select(e => (e.Event, e.Subject, e.Desc, e.Announce, e.Restrict)));
        Assert.All(atBob, e => Assert.Equal((group.ToString(), ourAccount.Jid), (e.Id, Jid.Parse(e.Author!).ToNonAd().ToString())));
        Assert.Equal(("promote", bob.Jid), (atBob[4].Action, Assert.Single(atBob[4].Participants!)));
        var seenByBob = await Node.CallAsync<Metadata>("sim.group.metadata", new { id = "bob", group = group.ToString() }, Slow);
        Assert.Equal(("renamed", "about us", true, true, 86400), (seenByBob.Subject, seenByBob.Desc, seenByBob.Announce, seenByBob.Restrict, seenByBob.EphemeralDuration));
        Assert.Equal("admin", seenByBob.Participants.Single(p => p.Id == bob.Jid).Admin);
        var ourView = await ours.GetGroupMetadataAsync(group);
        Assert.Equal(("renamed", "about us", true, true, (int?)86400), (ourView.Subject, ourView.Description, ourView.Announce, ourView.Restrict, ourView.EphemeralDuration));

        // Bob, now an admin, changes them back: ours sees each change by Bob.
        var bobGroup = group.ToString();
        await Node.CallAsync("sim.group.subject", new { id = "bob", group = bobGroup, subject = "bob's name" }, Slow);
        await Node.CallAsync("sim.group.description", new { id = "bob", group = bobGroup, description = (string?)null }, Slow);
        await Node.CallAsync("sim.group.setting", new { id = "bob", group = bobGroup, setting = "not_announcement" }, Slow);
        await Node.CallAsync("sim.group.setting", new { id = "bob", group = bobGroup, setting = "unlocked" }, Slow);
        await Node.CallAsync("sim.group.ephemeral", new { id = "bob", group = bobGroup, seconds = 0 }, Slow);
        var byBob = new List<GroupsUpdate>();
        while (byBob.Count < 5) byBob.Add(await NextAsync<GroupsUpdate>(ours, u => u.Author?.ToNonAd().ToString() == bob.Jid));
        Assert.Equal([("bob's name", null, null, null, null), (null, "", null, null, null), (null, null, false, null, null), (null, null, null, false, null),
                (null, null, null, null, 0)],
            byBob.Select(u => (u.Subject, u.Description, u.Announce, u.Restrict, u.EphemeralDuration)));
        Assert.All(byBob, u => Assert.Equal(group, u.Id));

        // Rotation: Carol holds our sender key, then goes offline and misses one message before Bob removes her.
        var before = await ours.SendTextAsync(group, "before");
        await Node.CallAsync("sim.waitReceived", new { id = "carol", count = 1 }, Slow);
        await Node.CallAsync("sim.disconnect", new { id = "carol" }, Slow);
        var missed = await ours.SendTextAsync(group, "while carol is away");
        await Node.CallAsync("sim.group.participants", new { id = "bob", group = bobGroup, participants = new[] { carol.Jid }, action = "remove" }, Slow);
        var removal = await NextAsync<GroupParticipantsUpdate>(ours);
        Assert.Equal(("remove", carol.Jid, bob.Jid), (removal.Action, Assert.Single(removal.Participants).ToString(), removal.Author!.Value.ToNonAd().ToString()));
        var after = await ours.SendTextAsync(group, "after removal");

        var atBobTexts = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 3 }, Slow);
        Assert.Equal([(before, "before"), (missed, "while carol is away"), (after, "after removal")], atBobTexts.Select(r => (r.Id, r.Text)));
        var afterStanza = wire.Sent.Single(n => n.Tag == "message" && n.GetAttribute("id") == after);
        var newKeyHolders = afterStanza.GetChild("participants")!.GetChildren("to").Select(t => t.GetJid("jid")!.Value.ToNonAd().ToString()).ToArray();
        Assert.Contains(bob.Jid, newKeyHolders);
        Assert.DoesNotContain(carol.Jid, newKeyHolders);

        var author = ours.Creds.Me!.Id;
        var carolReadsMissed = await Node.CallAsync<Decrypted>("sim.group.tryDecrypt", new { id = "carol", group = bobGroup, author, skmsg = SkMsg(wire, missed) }, Slow);
        Assert.True(carolReadsMissed.Error is null, carolReadsMissed.Error);
        Assert.Equal("while carol is away", carolReadsMissed.Text);
        var carolReadsAfter = await Node.CallAsync<Decrypted>("sim.group.tryDecrypt", new { id = "carol", group = bobGroup, author, skmsg = SkMsg(wire, after) }, Slow);
        Assert.Null(carolReadsAfter.Text);
        Assert.NotNull(carolReadsAfter.Error);
        // The new key was persisted (by the rotation on the notification, or with the message that needed it).
        Assert.Contains(persister.Changes, c => c.Cause is "sender key rotated" or "group message sent under a new sender key");

        // Ours demotes Bob and adds Carol back: Bob sees both.
        Assert.All(await ours.UpdateGroupParticipantsAsync(group, [Jid.Parse(bob.Jid)], "demote"), r => Assert.Null(r.Error));
        Assert.All(await ours.UpdateGroupParticipantsAsync(group, [Jid.Parse(carol.Jid)], "add"), r => Assert.Null(r.Error));
        var memberChanges = await Node.CallAsync<GroupEvent[]>("sim.group.waitEvents",
            new { id = "bob", count = 4, @event = "group-participants.update" }, Slow);
        Assert.Equal([("promote", bob.Jid), ("remove", carol.Jid), ("demote", bob.Jid), ("add", carol.Jid)],
            memberChanges.Select(e => (e.Action, Assert.Single(e.Participants!))));

        await paired.StopAsync();
    }

    private static string SkMsg(SentStanzas wire, string id) =>
        Convert.ToBase64String(wire.Sent.Single(n => n.Tag == "message" && n.GetAttribute("id") == id).GetChildren("enc")
            .Single(e => e.GetAttribute("type") == "skmsg").Bytes.ToArray());

    private static async Task<T> NextAsync<T>(AccountEngine engine, Func<T, bool>? match = null)
        where T : EngineEvent
    {
        while (true)
        {
            var next = await engine.Events.NextAsync<EngineEvent>(e => e is T or EngineError, seconds: 40);
            if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
            if (next is T typed && (match is null || match(typed))) return typed;
        }
    }

    private sealed record GroupEvent(string Event, string Id, string? Author, string? Subject, string? Desc, bool? Announce, bool? Restrict,
        string? Action, string[]? Participants);

    private sealed record Participant(string Id, string? Admin);

    private sealed record Metadata(string Id, string Subject, string? Desc, bool Announce, bool Restrict, int? EphemeralDuration, Participant[] Participants);

    private sealed record Received(string Id, string From, string? Participant, string Text);

    private sealed record Decrypted(string? Text, string? Error);
}

using WaCluster.Simulator.AppState;
using WaCluster.TestSupport;

namespace WaCluster.Simulator.Tests;

/// <summary>
/// App state against unmodified Baileys clients: the phone's key share after pairing, the seeded state synced through
/// Baileys' own resyncAppState (snapshots downloaded from the media host), chat modifications reaching the account's
/// other companion through server_sync, and a stale upload refused with the patches it missed.
/// </summary>
[Trait("Proof", "sim-sync")]
public sealed class BaileysAppStateTests : IAsyncLifetime
{
    private static readonly AppStateSeed Seed = new() { Contacts = 7, ArchivedChats = 2, PinnedChats = 1, MutedChats = 3, Labels = 2 };
    private readonly HttpClient _http = new();
    private SimulatorHost _host = null!;
    private NodeHarness _node = null!;
    private BaileysPeers _peers = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 21, AppStateSeed = Seed });
        _node = await NodeHarness.StartAsync();
        _peers = new BaileysPeers(_host, _node, _http);
    }

    public async Task DisposeAsync()
    {
        await _node.CallAsync("sim.stopAll", timeout: BaileysPeers.Slow);
        await _node.DisposeAsync();
        await _host.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task A_paired_client_gets_the_key_and_syncs_the_seeded_contacts_chats_labels_and_settings()
    {
        var alice = await _peers.PairAsync("alice");
        var keyId = await FollowAsync("alice");
        var blobsBefore = _host.Simulator.Media.Count;

        var versions = await _peers.CallAsync<Dictionary<string, ulong>>("simsync.resync", new { id = "alice" });

        Assert.Equal(_host.Simulator.AppStateVersions(alice.Phone), versions);
        Assert.All(versions.Values, v => Assert.True(v > 0));
        // Each collection came as one snapshot, uploaded to the media host for the client to download.
        Assert.Equal(blobsBefore + versions.Count, _host.Simulator.Media.Count);
        var contacts = await WaitEventsAsync<ContactEvent>("alice", "contacts", Seed.Contacts);
        Assert.Equal(Seed.Contacts, contacts.Select(c => c.Id).Distinct().Count());
        Assert.All(contacts, c => Assert.False(string.IsNullOrWhiteSpace(c.Name)));
        Assert.All(contacts, c => Assert.EndsWith("@s.whatsapp.net", c.Id, StringComparison.Ordinal));
        var chats = await WaitEventsAsync<ChatEvent>("alice", "chats", Seed.ArchivedChats + Seed.PinnedChats + Seed.MutedChats);
        Assert.Equal(Seed.ArchivedChats, chats.Count(c => c.Archived == true));
        Assert.Equal(Seed.PinnedChats, chats.Count(c => c.Pinned is > 0));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(Seed.MutedChats, chats.Count(c => c.MuteEndTime > now));
        Assert.All(chats, c => Assert.Contains(c.Id, contacts.Select(k => k.Id)));
        var labels = await WaitEventsAsync<LabelEvent>("alice", "labels", Seed.Labels);
        Assert.Equal(Seed.Labels, labels.Where(l => !l.Deleted && !string.IsNullOrEmpty(l.Name)).Select(l => l.Id).Distinct().Count());
        var associations = await WaitEventsAsync<AssociationEvent>("alice", "associations", Seed.Labels);
        Assert.All(associations, a => Assert.Equal("add", a.Type));
        Assert.Equal(labels.Select(l => l.Id).Order(), associations.Select(a => a.Label).Order());
        Assert.Contains(new SettingEvent("locale", "en_US"), await WaitEventsAsync<SettingEvent>("alice", "settings", 1));

        // A companion that lost the key asks the phone for it and gets the same key again.
        Assert.Equal(1, await _peers.CallAsync<int>("simsync.requestKey", new { id = "alice", keyId }));
        Assert.Equal(keyId, await _peers.CallAsync<string>("simsync.waitKey", new { id = "alice" }));
    }

    [Fact]
    public async Task Chat_modifications_reach_the_other_companion_and_a_stale_upload_is_refused_with_what_it_missed()
    {
        var first = await _peers.PairAsync("first");
        var second = await _peers.PairAsync("second", first.Phone);
        Assert.Equal(first.Phone, second.Phone);
        await FollowAsync("first");
        await FollowAsync("second");
        await _peers.CallAsync<Dictionary<string, ulong>>("simsync.resync", new { id = "first" });
        await _peers.CallAsync<Dictionary<string, ulong>>("simsync.resync", new { id = "second" });
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        static string Chat(int n) => $"4917000000{n:D2}@s.whatsapp.net";
        object Messages(int n) => new[] { new { chat = Chat(n), id = $"3EB0{n:D16}", fromMe = false, timestamp = now } };

        await ModifyAsync("first", Chat(1), new { kind = "archive", value = true, messages = Messages(1) });
        await SeenAsync("second", events => events.Chats.Any(c => c.Id == Chat(1) && c.Archived == true), "the archive of chat 1");
        await ModifyAsync("first", Chat(2), new { kind = "mute", value = true });
        await SeenAsync("second", events => events.Chats.Any(c => c.Id == Chat(2) && c.MuteEndTime > now * 1000), "the mute of chat 2");
        await ModifyAsync("first", Chat(3), new { kind = "pin", value = true });
        await SeenAsync("second", events => events.Chats.Any(c => c.Id == Chat(3) && c.Pinned > 0), "the pin of chat 3");
        await ModifyAsync("first", Chat(4), new { kind = "markRead", value = false, messages = Messages(4) });
        await SeenAsync("second", events => events.Chats.Any(c => c.Id == Chat(4) && c.UnreadCount == -1), "chat 4 marked unread");
        await ModifyAsync("first", Chat(5), new { kind = "star", value = true, messages = Messages(5) });
        await SeenAsync("second", events => events.Stars.Any(s => s.Chat == Chat(5) && s.Id == $"3EB0{5:D16}" && s.Starred), "the star in chat 5");
        await ModifyAsync("first", Chat(6), new { kind = "delete", messages = Messages(6) });
        await SeenAsync("second", events => events.Deletes.Any(d => d.Id == Chat(6)), "the deletion of chat 6");
        await ModifyAsync("first", Chat(7), new { kind = "addLabel", labelId = "1" });
        await SeenAsync("second", events => events.Associations.Any(a => a is { Type: "add", Label: "1" } && a.Chat == Chat(7)), "label 1 on chat 7");
        await AssertSameVersionsAsync(first.Phone);

        // The second client keeps its regular_high state, the first moves the collection on, and an upload built on
        // the kept state is refused with the patch it missed; the store does not move.
        var kept = await _peers.CallAsync<ulong>("simsync.keepState", new { id = "second", collection = "regular_high" });
        await ModifyAsync("first", Chat(8), new { kind = "mute", value = true });
        await SeenAsync("second", events => events.Chats.Any(c => c.Id == Chat(8)), "the mute of chat 8");
        var refused = await _peers.CallAsync<UploadAnswer>("simsync.uploadOnKeptState", new { id = "second", jid = Chat(9), kind = "mute", value = true });
        Assert.Equal("error", refused.Attrs["type"]);
        Assert.Equal("409", refused.Error?["code"]);
        Assert.Equal([kept + 1], refused.PatchVersions);
        Assert.Equal(kept + 1, _host.Simulator.AppStateVersions(first.Phone)["regular_high"]);

        // Baileys' own path recovers: chatModify syncs first, then uploads at the version that follows.
        await ModifyAsync("second", Chat(9), new { kind = "mute", value = true });
        await Eventually.UntilAsync(async () => (await _peers.CallAsync<Events>("simsync.events", new { id = "first" })).Chats.Any(c => c.Id == Chat(9) && c.MuteEndTime > now * 1000),
            BaileysPeers.Slow, "the second client's mute at the first");
        Assert.Equal(kept + 2, _host.Simulator.AppStateVersions(first.Phone)["regular_high"]);
        await AssertSameVersionsAsync(first.Phone);
    }

    private async Task<string> FollowAsync(string id)
    {
        await _peers.CallAsync("simsync.follow", new { id, mediaHost = _host.Simulator.MediaHostName });
        return await _peers.CallAsync<string>("simsync.waitKey", new { id });
    }

    private Task ModifyAsync(string id, string jid, object change) =>
        _peers.CallAsync("simsync.modify", Merge(new { id, jid }, change));

    // The op takes the chat modification's fields beside the client id and chat.
    private static Dictionary<string, object?> Merge(object head, object change) =>
        new[] { head, change }.SelectMany(o => o.GetType().GetProperties().Select(p => (p.Name, Value: p.GetValue(o)))).ToDictionary(p => p.Name, p => p.Value);

    private async Task AssertSameVersionsAsync(string phone)
    {
        var server = _host.Simulator.AppStateVersions(phone);
        await Eventually.UntilAsync(async () =>
            (await _peers.CallAsync<Dictionary<string, ulong>>("simsync.versions", new { id = "first" })).OrderBy(p => p.Key).SequenceEqual(server.OrderBy(p => p.Key))
            && (await _peers.CallAsync<Dictionary<string, ulong>>("simsync.versions", new { id = "second" })).OrderBy(p => p.Key).SequenceEqual(server.OrderBy(p => p.Key)),
            BaileysPeers.Slow, "both companions at the server's versions");
    }

    // Waits for one event by its content, not by a count: events of the initial sync may still be arriving.
    private Task SeenAsync(string id, Func<Events, bool> seen, string what) =>
        Eventually.UntilAsync(async () => seen(await _peers.CallAsync<Events>("simsync.events", new { id })), BaileysPeers.Slow, () => $"{what} at {id}");

    private Task<T[]> WaitEventsAsync<T>(string id, string kind, int count) =>
        _peers.CallAsync<T[]>("simsync.waitEvents", new { id, kind, count });

    private sealed record ContactEvent(string Id, string? Name, string? Lid, string? PhoneNumber);

    private sealed record ChatEvent(string Id, bool? Archived, long? Pinned, long? MuteEndTime, int? UnreadCount);

    private sealed record StarEvent(string Chat, string Id, bool Starred);

    private sealed record DeleteEvent(string Id);

    private sealed record LabelEvent(string Id, string? Name, bool Deleted);

    private sealed record AssociationEvent(string Type, string Chat, string Label);

    private sealed record SettingEvent(string Setting, string Value);

    private sealed record Events(ChatEvent[] Chats, StarEvent[] Stars, DeleteEvent[] Deletes, AssociationEvent[] Associations);

    private sealed record UploadAnswer(Dictionary<string, string> Attrs, Dictionary<string, string>? Error, ulong[] PatchVersions);
}

using System.Net.Http.Json;
using System.Text.Json.Serialization;
using WaCluster.TestSupport;

namespace WaCluster.Simulator.Tests;

/// <summary>Unmodified Baileys clients pair by QR through the admin route, talk 1:1 and receive an offline backlog.</summary>
[Trait("Proof", "sim-baileys")]
public sealed class BaileysEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(40);
    private SimulatorHost _host = null!;
    private NodeHarness _node = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 42 });
        _node = await NodeHarness.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.CallAsync("sim.stopAll", timeout: Slow);
        await _node.DisposeAsync();
        await _host.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task Two_clients_pair_exchange_text_with_receipts_and_get_an_offline_backlog_once()
    {
        var alice = await PairAsync("alice");
        var bob = await PairAsync("bob");
        Assert.NotEqual(alice.Phone, bob.Phone);

        var toBob = await SendAsync("alice", bob.Jid, "hello bob");
        var atBob = await _node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 1 }, Slow);
        Assert.Equal("hello bob", Assert.Single(atBob).Text);
        Assert.Equal(toBob[0], atBob[0].Id);

        var toAlice = await SendAsync("bob", alice.Jid, "hello alice");
        var atAlice = await _node.CallAsync<Received[]>("sim.waitReceived", new { id = "alice", count = 1 }, Slow);
        Assert.Equal("hello alice", Assert.Single(atAlice).Text);

        // Delivery receipts: status 3 (DELIVERY_ACK) on the sender's side, both ways.
        Assert.All(await _node.CallAsync<int[]>("sim.waitStatus", new { id = "alice", messageIds = toBob }, Slow), s => Assert.True(s >= 3));
        Assert.All(await _node.CallAsync<int[]>("sim.waitStatus", new { id = "bob", messageIds = toAlice }, Slow), s => Assert.True(s >= 3));

        await _node.CallAsync("sim.disconnect", new { id = "bob" }, Slow);
        var backlog = Enumerable.Range(1, 5).Select(i => $"while you were away #{i}").ToArray();
        var backlogIds = await _node.CallAsync<string[]>("sim.send", new { id = "alice", to = bob.Jid, texts = backlog }, Slow);
        await Eventually.UntilAsync(() => _host.Simulator.PendingCounts()[bob.DeviceJid!] == backlog.Length, Slow, "the backlog queued for bob"); // queued while bob is away

        await _node.CallAsync("sim.reconnect", new { id = "bob" }, Slow);
        await _node.CallAsync("sim.waitOpen", new { id = "bob", opens = 2 }, Slow);
        var all = await _node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 1 + backlog.Length }, Slow);
        var offline = all.Skip(1).ToArray();
        Assert.Equal(backlog, offline.Select(m => m.Text).ToArray());
        Assert.Equal(backlogIds, offline.Select(m => m.Id).ToArray());

        // Nothing more arrives: wait for the acks to drain the queue, then the count must still be exact.
        await Eventually.UntilAsync(() => _host.Simulator.PendingCounts()[bob.DeviceJid!] == 0, Slow, "bob's backlog delivered");
        var final = await _node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 1 }, Slow);
        Assert.Equal(1 + backlog.Length, final.Length);
        Assert.Equal(final.Length, final.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_second_connection_of_the_same_device_replaces_the_first_with_conflict()
    {
        await PairAsync("carol");
        var conflictsBefore = _host.Simulator.Counters.Conflicts;
        var result = await _node.CallAsync<TwinResult>("sim.twin", new { id = "carol", twinId = "carol-2" }, Slow);
        Assert.Equal(440, result.OriginalCloses[^1]); // Baileys' connectionReplaced, from <conflict type="replaced"/>
        Assert.Equal(conflictsBefore + 1, _host.Simulator.Counters.Conflicts);
    }

    [Fact]
    public async Task A_logged_out_companion_is_removed_and_refused_on_reconnect()
    {
        var dave = await PairAsync("dave");
        await _node.CallAsync("sim.logout", new { id = "dave" }, Slow);
        await Eventually.UntilAsync(() => !_host.Simulator.PendingCounts().ContainsKey(dave.DeviceJid!), Slow, "dave's device removed");
        var refused = await _node.CallAsync<RefusedResult>("sim.reconnectRefused", new { id = "dave" }, Slow);
        Assert.Equal(401, refused.Closes[^1]); // <failure reason="401">: logged out
        Assert.Equal(1, refused.Opens);
    }

    [Fact]
    public async Task A_client_links_by_pairing_code_and_talks_to_a_qr_linked_one()
    {
        var erin = await PairAsync("erin");
        var phone = "15550001234";
        var start = await _node.CallAsync<CodeResult>("sim.startWithCode", new
        {
            id = "frank",
            url = _host.ChatUri.ToString(),
            rootKey = Convert.ToBase64String(_host.Simulator.RootPublicKey),
            name = "frank",
            phone,
        }, Slow);
        Assert.Equal(8, start.Code.Length);
        using var response = await _http.PostAsync(new Uri(_host.BaseUri, $"admin/mock-phone/enter-code?phone={phone}"), new StringContent(start.Code));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var frank = (await response.Content.ReadFromJsonAsync<AccountInfo>())!;
        Assert.Equal(phone, frank.Phone);
        var open = await _node.CallAsync<OpenResult>("sim.waitOpen", new { id = "frank", opens = 1 }, Slow);
        Assert.Equal(frank.DeviceJid, open.Me.Id);

        await SendAsync("frank", erin.Jid, "linked by code");
        var atErin = await _node.CallAsync<Received[]>("sim.waitReceived", new { id = "erin", count = 1 }, Slow);
        Assert.Equal("linked by code", Assert.Single(atErin).Text);
    }

    [Fact]
    public async Task A_wrong_pairing_code_links_nothing()
    {
        var phone = "15550004321";
        await _node.CallAsync<CodeResult>("sim.startWithCode", new
        {
            id = "gina",
            url = _host.ChatUri.ToString(),
            rootKey = Convert.ToBase64String(_host.Simulator.RootPublicKey),
            name = "gina",
            phone,
        }, Slow);
        using var response = await _http.PostAsync(new Uri(_host.BaseUri, $"admin/mock-phone/enter-code?phone={phone}"), new StringContent("ABCDEFGH"));
        Assert.False(response.IsSuccessStatusCode);
        Assert.DoesNotContain(_host.Simulator.PendingCounts().Keys, k => k.StartsWith(phone, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Three_clients_hold_a_group_conversation()
    {
        var hana = await PairAsync("hana");
        var ivan = await PairAsync("ivan");
        var jack = await PairAsync("jack");
        var group = await _node.CallAsync<GroupResult>("sim.groupCreate", new { id = "hana", subject = "trio", participants = new[] { ivan.Jid, jack.Jid } }, Slow);
        Assert.EndsWith("@g.us", group.Id);
        Assert.Equal(new[] { hana.Jid, ivan.Jid, jack.Jid }.Order(), group.Participants.Select(p => p.Id).Order());
        Assert.Equal("superadmin", group.Participants.Single(p => p.Id == hana.Jid).Admin);

        var seenByIvan = await _node.CallAsync<GroupResult>("sim.groupMetadata", new { id = "ivan", group = group.Id }, Slow);
        Assert.Equal("trio", seenByIvan.Subject);

        await SendAsync("hana", group.Id, "hello trio");
        foreach (var member in new[] { "ivan", "jack" })
        {
            var got = Assert.Single(await _node.CallAsync<Received[]>("sim.waitReceived", new { id = member, count = 1 }, Slow));
            Assert.Equal(("hello trio", group.Id), (got.Text, got.From));
            Assert.Equal(hana.Jid, got.Participant); // Baileys keys group messages by the author's user JID
        }
        await SendAsync("ivan", group.Id, "hi from ivan");
        await SendAsync("jack", group.Id, "hi from jack");
        var atHana = await _node.CallAsync<Received[]>("sim.waitReceived", new { id = "hana", count = 2 }, Slow);
        Assert.Equal(new[] { "hi from ivan", "hi from jack" }, atHana.Select(m => m.Text).Order());
        var atJack = await _node.CallAsync<Received[]>("sim.waitReceived", new { id = "jack", count = 2 }, Slow);
        Assert.Equal("hi from ivan", atJack[1].Text);
    }

    [Fact]
    public async Task An_image_goes_through_the_media_host_and_decrypts_at_the_recipient()
    {
        await PairAsync("kate");
        var liam = await PairAsync("liam");
        var image = new byte[150_000];
        new Random(7).NextBytes(image);
        var messageId = await _node.CallAsync<string>("sim.sendImage", new { id = "kate", to = liam.Jid, image = Convert.ToBase64String(image), caption = "a picture" }, Slow);
        var received = Assert.Single(await _node.CallAsync<Received[]>("sim.waitReceived", new { id = "liam", count = 1 }, Slow));
        Assert.Equal((messageId, "a picture"), (received.Id, received.Text));
        Assert.Equal(1, _host.Simulator.Media.Count);
        Assert.True(_host.Simulator.Media.StoredBytes > image.Length); // ciphertext (padded) plus MAC, never the plaintext
        var downloaded = await _node.CallAsync<string>("sim.downloadImage", new { id = "liam", messageId }, Slow);
        Assert.Equal(image, Convert.FromBase64String(downloaded));
    }

    [Fact]
    public async Task A_client_talks_to_a_phone_only_user_whose_phone_decrypts_and_receipts()
    {
        var mona = await PairAsync("mona");
        using var created = await _http.PostAsync(new Uri(_host.BaseUri, "admin/users"), null);
        var phoneOnly = (await created.Content.ReadFromJsonAsync<AccountInfo>())!;
        var ids = await SendAsync("mona", phoneOnly.Jid, "hello phone");
        await Eventually.UntilAsync(() => _host.Simulator.PhoneMessages(phoneOnly.Phone).Count == 1, Slow, "one message on the phone");
        var atPhone = Assert.Single(_host.Simulator.PhoneMessages(phoneOnly.Phone));
        Assert.Equal((ids[0], "hello phone"), (atPhone.Id, atPhone.Text));
        Assert.All(await _node.CallAsync<int[]>("sim.waitStatus", new { id = "mona", messageIds = ids }, Slow), s => Assert.True(s >= 3));

        // The phone answers: encrypted by the simulator's Signal code, decrypted by Baileys.
        using var sent = await _http.PostAsync(new Uri(_host.BaseUri, $"admin/mock-phone/send?phone={phoneOnly.Phone}&to={Uri.EscapeDataString(mona.Jid)}"), new StringContent("hello from the phone"));
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        var atMona = Assert.Single(await _node.CallAsync<Received[]>("sim.waitReceived", new { id = "mona", count = 1 }, Slow));
        Assert.Equal(("hello from the phone", phoneOnly.Jid), (atMona.Text, atMona.From));
    }

    private async Task<AccountInfo> PairAsync(string id)
    {
        var start = await _node.CallAsync<StartResult>("sim.start", new
        {
            id,
            url = _host.ChatUri.ToString(),
            rootKey = Convert.ToBase64String(_host.Simulator.RootPublicKey),
            name = id,
        }, Slow);
        Assert.StartsWith("https://wa.me/settings/linked_devices#", start.Qr);
        using var response = await _http.PostAsync(new Uri(_host.BaseUri, "admin/mock-phone/scan-qr"), new StringContent(start.Qr));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var account = (await response.Content.ReadFromJsonAsync<AccountInfo>())!;
        var open = await _node.CallAsync<OpenResult>("sim.waitOpen", new { id, opens = 1 }, Slow);
        Assert.Equal(account.DeviceJid, open.Me.Id);
        Assert.Equal(account.DeviceLid, open.Me.Lid);
        Assert.Contains(515, open.Closes);
        return account;
    }

    private Task<string[]> SendAsync(string id, string to, string text) =>
        _node.CallAsync<string[]>("sim.send", new { id, to, texts = new[] { text } }, Slow);

    private sealed record StartResult(string Qr);

    private sealed record CodeResult(string Code);

    private sealed record TwinResult(int[] OriginalCloses);

    private sealed record RefusedResult(int[] Closes, int Opens);

    private sealed record OpenResult(Me Me, int[] Closes);

    private sealed record Me(string Id, [property: JsonPropertyName("lid")] string? Lid);

    private sealed record Received(string Id, string From, string? Participant, string Text);

    private sealed record GroupResult(string Id, string Subject, GroupMember[] Participants);

    private sealed record GroupMember(string Id, string? Admin);
}

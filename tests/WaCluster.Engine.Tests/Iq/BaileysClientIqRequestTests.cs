using WaCluster.Core.Connection;
using WaCluster.Core.Groups;
using WaCluster.Core.Iq;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.Iq;

/// <summary>
/// What a whole unmodified Baileys client sends on our simulator for each operation, as the simulator decoded it,
/// against our spec's request for the same operation and id; and, where Baileys reads the answer inside its socket's
/// closures, our spec's reading of the answer the client received against what the client's operation returned.
/// </summary>
[Trait("Proof", "iq-specs")]
public sealed class BaileysClientIqRequestTests() : SimulatorConversationTest(seed: 31)
{
    private const string Client = "iq-client";

    [Fact]
    public async Task Login_and_keep_alive_iqs_equal_ours()
    {
        var stanzas = new ClientStanzaRecorder(Host.Simulator);
        await StartBaileysAsync(Client);
        var passive = await stanzas.WaitIqAsync("passive", "active", Slow);
        AssertSameRequest(passive, new PassiveActiveSpec());
        var count = await stanzas.WaitIqAsync("encrypt", "count", Slow);
        AssertSameRequest(count, new PreKeyCountSpec());
        // Baileys pings after its keep-alive interval (30 s) of an idle connection.
        var ping = await stanzas.WaitIqAsync("w:p", "ping", TimeSpan.FromSeconds(60));
        AssertSameRequest(ping, new PingSpec());
    }

    [Fact]
    public async Task Group_iqs_equal_ours_and_their_answers_read_as_Baileys_returns_them()
    {
        var stanzas = new ClientStanzaRecorder(Host.Simulator);
        await StartBaileysAsync(Client);
        await Node.CallAsync("iq.recordReceived", new { id = Client });
        var members = new[] { Host.Simulator.CreateUser(), Host.Simulator.CreateUser(), Host.Simulator.CreateUser() }.Select(u => Jid.Parse(u.Jid)).ToArray();

        var created = await Node.CallAsync<GroupResult>("sim.groupCreate", new { id = Client, subject = "Team ✓", participants = members[..2].Select(m => m.ToString()) }, Slow);
        var create = stanzas.Iqs("w:g2", "create").Single();
        // The create key is a fresh random message id by nature: Baileys' generateMessageIDV2.
        AssertSameRequest(create, new GroupCreateSpec("Team ✓", create.RequireChild("create").GetAttribute("key")!, members[..2]));
        AssertSameMetadata(created, new GroupCreateSpec("", "", []).Parse(await AnswerToAsync(create)));
        var group = Jid.Parse(created.Id);

        var metadata = await Node.CallAsync<GroupResult>("sim.groupMetadata", new { id = Client, group = created.Id }, Slow);
        var query = stanzas.Iqs("w:g2", "query")[^1];
        AssertSameRequest(query, new GroupMetadataSpec(group));
        AssertSameMetadata(metadata, new GroupMetadataSpec(group).Parse(await AnswerToAsync(query)));

        foreach (var (action, who) in new[] { ("add", members[2]), ("promote", members[0]), ("demote", members[0]), ("remove", members[1]) })
        {
            var statuses = await Node.CallAsync<ParticipantStatus[]>("sim.group.participants", new { id = Client, group = created.Id, participants = new[] { who.ToString() }, action }, Slow);
            var sent = stanzas.Iqs("w:g2", action)[^1];
            var spec = new GroupParticipantsSpec(group, [who], action);
            AssertSameRequest(sent, spec);
            // Baileys reports a participant without an error code as status "200".
            Assert.Equal(statuses.Select(s => (Jid.Parse(s.Jid), s.Status)), spec.Parse(await AnswerToAsync(sent)).Select(p => (p.Participant, p.Error ?? "200")));
        }

        await Node.CallAsync("sim.group.subject", new { id = Client, group = created.Id, subject = "Renamed ✓" }, Slow);
        AssertSameRequest(stanzas.Iqs("w:g2", "subject").Single(), new GroupSubjectSpec(group, "Renamed ✓"));

        foreach (var description in new[] { "About us\nline two", null, "Back again" })
        {
            var before = stanzas.Iqs("w:g2", "query").Count;
            await Node.CallAsync("sim.group.description", new { id = Client, group = created.Id, description }, Slow);
            // Baileys reads the current description id (the change's "prev") from a metadata query it makes first.
            var previous = new GroupMetadataSpec(group).Parse(await AnswerToAsync(stanzas.Iqs("w:g2", "query")[before])).DescriptionId;
            var sent = stanzas.Iqs("w:g2", "description")[^1];
            // The new description's id is random by nature (Baileys' generateMessageIDV2); a removal has none.
            var newId = sent.RequireChild("description").GetAttribute("id") ?? "unused";
            AssertSameRequest(sent, new GroupDescriptionSpec(group, description, newId, previous));
        }

        // Baileys' names of the settings (its groupSettingUpdate argument), each the tag it sends.
        foreach (var (setting, name) in new[] { (GroupSetting.Announcement, "announcement"), (GroupSetting.NotAnnouncement, "not_announcement"),
                     (GroupSetting.Locked, "locked"), (GroupSetting.Unlocked, "unlocked") })
        {
            await Node.CallAsync("sim.group.setting", new { id = Client, group = created.Id, setting = name }, Slow);
            AssertSameRequest(stanzas.Iqs("w:g2", name)[^1], new GroupSettingSpec(group, setting));
        }

        await Node.CallAsync("sim.group.ephemeral", new { id = Client, group = created.Id, seconds = 604800 }, Slow);
        AssertSameRequest(stanzas.Iqs("w:g2", "ephemeral").Single(), new GroupEphemeralSpec(group, 604800));
        await Node.CallAsync("sim.group.ephemeral", new { id = Client, group = created.Id, seconds = 0 }, Slow);
        AssertSameRequest(stanzas.Iqs("w:g2", "not_ephemeral").Single(), new GroupEphemeralSpec(group, 0));

        await Node.CallAsync("iq.groupLeave", new { id = Client, group = created.Id }, Slow);
        AssertSameRequest(stanzas.Iqs("w:g2", "leave").Single(), new GroupLeaveSpec(group));
    }

    [Fact]
    public async Task Usync_key_and_media_iqs_equal_ours_and_their_answers_read_as_Baileys_returns_them()
    {
        var stanzas = new ClientStanzaRecorder(Host.Simulator);
        var me = await StartBaileysAsync(Client);
        await Node.CallAsync("iq.recordReceived", new { id = Client });
        var known = Host.Simulator.CreateUser();
        const string unknown = "19999999999";

        var exists = await Node.CallAsync<ContactResult[]>("iq.onWhatsApp", new { id = Client, phones = new[] { known.Phone, unknown } }, Slow);
        var contacts = stanzas.Iqs("usync", "usync").Single(u => u.RequireChild("usync").GetAttribute("context") == "interactive");
        // The usync sid is a fresh random message tag by nature (Baileys' generateMessageTag).
        var contactsSpec = new UsyncContactsSpec(Sid(contacts), [known.Phone, unknown]);
        AssertSameRequest(contacts, contactsSpec);
        // onWhatsApp returns only the numbers that have an account.
        Assert.Equal(exists.Select(r => (Jid.Parse(r.Jid), r.Exists)), contactsSpec.Parse(await AnswerToAsync(contacts)).Where(r => r.Exists).Select(r => (r.Jid, r.Exists)));
        Assert.Equal([Jid.Parse(known.Jid)], exists.Select(r => Jid.Parse(r.Jid)));

        var users = new[] { Jid.Parse(known.Jid), Jid.Parse(me.Jid) };
        var devices = await Node.CallAsync<DeviceResult[]>("iq.getUSyncDevices", new { id = Client, jids = users.Select(u => u.ToString()) }, Slow);
        var lookup = stanzas.Iqs("usync", "usync").Single(u => u.RequireChild("usync").GetAttribute("context") == "message");
        var devicesSpec = new UsyncDevicesSpec(Sid(lookup), users);
        AssertSameRequest(lookup, devicesSpec);
        // Baileys leaves out the asking device itself; every other device it returns is one our spec reads.
        var ours = devicesSpec.Parse(await AnswerToAsync(lookup)).SelectMany(u => u.Devices).Select(d => d.Jid).Where(d => d.ToString() != me.DeviceJid);
        Assert.Equal(devices.Select(d => Jid.Parse($"{d.User}:{d.Device}@{d.Server}")).OrderBy(j => j.ToString()), ours.OrderBy(j => j.ToString()));
        Assert.NotEmpty(devices);

        // The device lookup taught Baileys the LIDs of both users: it rebuilds their sessions (a forced fetch).
        var forced = stanzas.Iqs("encrypt", "key").Single();
        var forcedDevices = FetchedDevices(forced);
        Assert.Contains(Jid.Parse(known.Lid), forcedDevices);
        var forcedSpec = new KeyBundleFetchSpec(forcedDevices, refreshIdentity: true);
        AssertSameRequest(forced, forcedSpec);
        Assert.Equal(forcedDevices.OrderBy(j => j.ToString()), forcedSpec.Parse(await AnswerToAsync(forced)).Keys.OrderBy(j => j.ToString()));

        // A message to a user with a linked companion: Baileys fetches the bundle of the device it has no session with.
        var peer = await StartBaileysAsync("iq-peer");
        await Node.CallAsync("sim.send", new { id = Client, to = peer.Jid, texts = new[] { "hello" } }, Slow);
        var fetch = stanzas.Iqs("encrypt", "key").Last(f => f.RequireChild("key").Children.All(u => u.GetAttribute("reason") is null));
        var fetched = FetchedDevices(fetch);
        Assert.Contains(Jid.Parse(peer.DeviceLid!), fetched);
        var fetchSpec = new KeyBundleFetchSpec(fetched);
        AssertSameRequest(fetch, fetchSpec);
        Assert.Equal(fetched.OrderBy(j => j.ToString()), fetchSpec.Parse(await AnswerToAsync(fetch)).Keys.OrderBy(j => j.ToString()));

        var conn = await Node.CallAsync<MediaConnResult>("iq.refreshMediaConn", new { id = Client }, Slow);
        var mediaConn = stanzas.Iqs("w:m", "media_conn")[^1];
        var mediaSpec = new MediaConnSpec(DateTimeOffset.UtcNow);
        AssertSameRequest(mediaConn, mediaSpec);
        var read = mediaSpec.Parse(await AnswerToAsync(mediaConn));
        Assert.Equal((conn.Auth, TimeSpan.FromSeconds(conn.Ttl)), (read.Auth, read.Ttl));
        Assert.Equal(conn.Hosts, read.Hosts);
    }

    [Fact]
    public async Task The_logout_iq_equals_ours()
    {
        var stanzas = new ClientStanzaRecorder(Host.Simulator);
        var me = await StartBaileysAsync(Client);
        await Node.CallAsync("sim.logout", new { id = Client }, Slow);
        AssertSameRequest(await stanzas.WaitIqAsync("md", "remove-companion-device", Slow), new RemoveCompanionDeviceSpec(me.DeviceJid!));
    }

    [Fact]
    public async Task The_pairing_code_iqs_equal_ours()
    {
        var stanzas = new ClientStanzaRecorder(Host.Simulator);
        const string phone = "15550009876";
        var start = await Node.CallAsync<CodeResult>("sim.startWithCode", new
        {
            id = Client, url = Host.ChatUri.ToString(), rootKey = Convert.ToBase64String(Host.Simulator.RootPublicKey), name = Client, phone,
        }, Slow);
        var keys = await Node.CallAsync<ClientKeys>("iq.clientKeys", new { id = Client });
        var phoneJid = Jid.Parse(phone + "@s.whatsapp.net");
        var hello = await stanzas.WaitIqAsync("md", "link_code_companion_reg", Slow);
        var helloReg = hello.RequireChild("link_code_companion_reg");
        // The wrapped pairing ephemeral is random by nature: a fresh salt, IV and key pair (Baileys' generatePairingKey).
        var wrapped = helloReg.RequireChild("link_code_pairing_wrapped_companion_ephemeral_pub").Bytes.ToArray();
        Assert.Equal(80, wrapped.Length);
        AssertSameRequest(hello, new CompanionHelloSpec(phoneJid, wrapped, Convert.FromBase64String(keys.NoiseKey), new BrowserDescription("Ubuntu", "Chrome", "22.04")));

        await Host.Simulator.EnterPairingCodeAsync(phone, start.Code).WaitAsync(Slow);
        var finish = await stanzas.WaitIqAsync("md", "link_code_companion_reg", Slow, count: 2);
        var finishReg = finish.RequireChild("link_code_companion_reg");
        // The key bundle is encrypted under a fresh random salt and IV by nature; the ref is the one the phone's
        // notification handed the client (an input of the operation).
        var bundle = finishReg.RequireChild("link_code_pairing_wrapped_key_bundle").Bytes.ToArray();
        var pairingRef = finishReg.RequireChild("link_code_pairing_ref").Bytes.ToArray();
        AssertSameRequest(finish, new CompanionFinishSpec(phoneJid, bundle, Convert.FromBase64String(keys.IdentityKey), pairingRef));
        await Node.CallAsync("sim.waitOpen", new { id = Client, opens = 1 }, Slow);
    }

    // The devices a key fetch names (which ones is Baileys' choice, the input of the operation).
    private static Jid[] FetchedDevices(BinaryNode fetch) => fetch.RequireChild("key").Children.Select(u => Jid.Parse(u.GetAttribute("jid")!)).ToArray();

    private static string Sid(BinaryNode usync) => usync.RequireChild("usync").GetAttribute("sid")!;

    // Baileys' request against ours built with its id: every attribute and child, in the one canonical form.
    private static void AssertSameRequest<T>(BinaryNode theirs, IIqSpec<T> spec) =>
        Assert.Equal(IqWire.Canonical(theirs), IqWire.Canonical(spec.Build(theirs.GetAttribute("id")!)));

    private async Task<BinaryNode> AnswerToAsync(BinaryNode request) =>
        IqWire.Decode(await Node.CallAsync<string>("iq.receivedAnswer", new { id = Client, iqId = request.GetAttribute("id") }));

    private static void AssertSameMetadata(GroupResult theirs, GroupMetadata ours)
    {
        Assert.Equal((Jid.Parse(theirs.Id), theirs.Subject), (ours.Id, ours.Subject));
        Assert.Equal(theirs.Participants.Select(p => (Jid.Parse(p.Id), p.Admin)), ours.Participants.Select(p => (p.Jid, p.Admin)));
    }

    private sealed record GroupResult(string Id, string Subject, GroupMember[] Participants);

    private sealed record GroupMember(string Id, string? Admin);

    private sealed record ParticipantStatus(string Jid, string Status);

    private sealed record ContactResult(string Jid, bool Exists);

    private sealed record DeviceResult(string User, int Device, string Server);

    private sealed record MediaConnResult(string Auth, long Ttl, string[] Hosts);

    private sealed record CodeResult(string Code);

    private sealed record ClientKeys(string NoiseKey, string IdentityKey);
}

using WaCluster.Core.Iq;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.Iq;

/// <summary>
/// The device query against Baileys' USyncQuery with its device and LID protocols (WAUSync/): the query and user
/// elements their getQueryElement/getUserElement build, and answers read by parseUSyncQueryResult. The frame around
/// them is built inside Baileys' socket (executeUSyncQuery): <see cref="BaileysClientIqRequestTests"/> compares it.
/// </summary>
[Trait("Proof", "iq-specs")]
public sealed class UsyncDevicesSpecTests(BaileysIqPeer peer) : IClassFixture<BaileysIqPeer>
{
    private static readonly Jid[] Users = [Jid.Parse("15550001@s.whatsapp.net"), Jid.Parse("15550002@s.whatsapp.net")];

    [Fact]
    public async Task The_query_and_user_elements_equal_those_Baileys_protocols_build()
    {
        var ours = new UsyncDevicesSpec("sid-1", Users).Build("u-1").RequireChild("usync");
        var theirs = await peer.Node.CallAsync<UsyncElements>("iq.usyncElements", new { kind = "devices", users = Users.Select(u => u.ToString()) });
        Assert.Equal(theirs.Query.Select(q => IqWire.Canonical(IqWire.Decode(q))), ours.RequireChild("query").Children.Select(IqWire.Canonical));
        var users = ours.RequireChild("list").Children;
        Assert.Equal(Users.Select(u => u.ToString()), users.Select(u => u.GetAttribute("jid")));
        // Neither protocol adds anything per user for a plain device lookup.
        Assert.Equal(theirs.Users.Select(u => string.Join("", u.Select(e => IqWire.Canonical(IqWire.Decode(e))))),
            users.Select(u => string.Join("", u.Children.Select(IqWire.Canonical))));
    }

    [Fact]
    public async Task An_answer_with_devices_key_indexes_hosted_devices_and_lids_reads_as_Baileys_reads_it()
    {
        var answer = UsyncAnswer(
            new BinaryNode("user", [("jid", "15550001@s.whatsapp.net")],
            [
                new BinaryNode("devices", [],
                [
                    new BinaryNode("device-list", [],
                    [
                        new BinaryNode("device", [("id", "0")]),
                        new BinaryNode("device", [("id", "3"), ("key-index", "2")]),
                        new BinaryNode("device", [("id", "99"), ("key-index", "7"), ("is_hosted", "true")]),
                    ]),
                    new BinaryNode("key-index-list", [("ts", "1700000000")], (ReadOnlyMemory<byte>)new byte[] { 1, 2, 3 }),
                ]),
                new BinaryNode("lid", [("val", "987654321@lid")]),
            ]),
            new BinaryNode("user", [("jid", "15550002@s.whatsapp.net")],
                [new BinaryNode("devices", [], [new BinaryNode("device-list", [], [new BinaryNode("device", [("id", "0")])])])]));
        var theirs = await peer.Node.CallAsync<UsyncUser[]>("iq.parseUsync", new { kind = "devices", answer = IqWire.Encode(answer) });
        var ours = new UsyncDevicesSpec("sid-1", Users).Parse(answer);
        Assert.Equal(theirs.Select(u => (Jid.Parse(u.Id), u.Lid is null ? (Jid?)null : Jid.Parse(u.Lid))), ours.Select(u => (u.User, u.Lid)));
        for (var i = 0; i < theirs.Length; i++)
        {
            // Baileys reads a missing key-index as NaN (null over JSON); we read it as 0, which its device filter treats alike.
            Assert.Equal(theirs[i].Devices!.Select(d => (d.Id, d.KeyIndex ?? 0, d.IsHosted)),
                ours[i].Devices.Select(d => ((int)d.Jid.Device, (int)d.KeyIndex, d.IsHosted)));
            Assert.All(ours[i].Devices, d => Assert.Equal(ours[i].User.User, d.Jid.User));
        }
    }

    [Fact]
    public async Task Users_without_a_device_list_are_left_out_where_Baileys_lists_them_without_devices()
    {
        var answer = UsyncAnswer(new BinaryNode("user", [("jid", "15550001@s.whatsapp.net")], [new BinaryNode("lid", [("val", "1@lid")])]),
            new BinaryNode("user"));
        var theirs = await peer.Node.CallAsync<UsyncUser[]>("iq.parseUsync", new { kind = "devices", answer = IqWire.Encode(answer) });
        Assert.Null(Assert.Single(theirs).Devices); // nothing to send to: Baileys' extractDeviceJids skips it too
        Assert.Empty(new UsyncDevicesSpec("sid-1", Users).Parse(answer));
        Assert.Empty(new UsyncDevicesSpec("sid-1", Users).Parse(new BinaryNode("iq", [("id", "u-1"), ("type", "result")])));
    }

    internal static BinaryNode UsyncAnswer(params BinaryNode[] users) =>
        new("iq", [("id", "u-1"), ("type", "result"), ("from", "s.whatsapp.net")],
            [new BinaryNode("usync", [("sid", "sid-1")], [new BinaryNode("result"), new BinaryNode("list", [], users)])]);

    internal sealed record UsyncElements(string[] Query, string[][] Users);

    internal sealed record UsyncUser(string Id, string? Lid, bool? Contact, UsyncDevice[]? Devices);

    internal sealed record UsyncDevice(int Id, int? KeyIndex, bool IsHosted);
}

/// <summary>The contact query (Baileys' onWhatsApp) against USyncQuery with its contact protocol.</summary>
[Trait("Proof", "iq-specs")]
public sealed class UsyncContactsSpecTests(BaileysIqPeer peer) : IClassFixture<BaileysIqPeer>
{
    [Fact]
    public async Task The_query_and_user_elements_equal_those_Baileys_contact_protocol_builds()
    {
        string[] phones = ["+15550001", "+447700900123"];
        var ours = new UsyncContactsSpec("sid-1", ["15550001", "+447700900123"]).Build("c-1").RequireChild("usync");
        var theirs = await peer.Node.CallAsync<UsyncDevicesSpecTests.UsyncElements>("iq.usyncElements", new { kind = "contacts", users = phones });
        Assert.Equal(theirs.Query.Select(q => IqWire.Canonical(IqWire.Decode(q))), ours.RequireChild("query").Children.Select(IqWire.Canonical));
        var users = ours.RequireChild("list").Children;
        Assert.All(users, u => Assert.Empty(u.Attributes)); // Baileys sends no jid for a user given by phone
        Assert.Equal(theirs.Users.Select(u => string.Join("", u.Select(e => IqWire.Canonical(IqWire.Decode(e))))),
            users.Select(u => string.Join("", u.Children.Select(IqWire.Canonical))));
    }

    [Fact]
    public async Task An_answer_of_known_and_unknown_numbers_reads_as_Baileys_reads_it()
    {
        var answer = UsyncDevicesSpecTests.UsyncAnswer(
            new BinaryNode("user", [("jid", "15550001@s.whatsapp.net")], [new BinaryNode("contact", [("type", "in")])]),
            new BinaryNode("user", [("jid", "447700900123@s.whatsapp.net")], [new BinaryNode("contact", [("type", "out")])]));
        var theirs = await peer.Node.CallAsync<UsyncDevicesSpecTests.UsyncUser[]>("iq.parseUsync", new { kind = "contacts", answer = IqWire.Encode(answer) });
        var ours = new UsyncContactsSpec("sid-1", ["15550001", "447700900123"]).Parse(answer);
        Assert.Equal(theirs.Select(u => (Jid.Parse(u.Id), u.Contact == true)), ours.Select(r => (r.Jid, r.Exists)));
        Assert.Equal([true, false], ours.Select(r => r.Exists));
    }
}

using WaCluster.Core.Iq;
using WaCluster.Core.Usync;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.Usync;

public sealed class UsyncQueryTests
{
    [Fact]
    public void Device_query_lists_users_without_their_device_and_asks_for_devices_and_lids()
    {
        var iq = BinaryDecoder.Decode(BinaryEncoder.Encode(new UsyncDevicesSpec("s1", [Jid.Parse("123:4@s.whatsapp.net"), Jid.Parse("55@lid")]).Build("q1")));
        Assert.Equal(("usync", "get", "@s.whatsapp.net"), (iq["xmlns"], iq["type"], iq["to"]));
        var usync = iq.RequireChild("usync");
        Assert.Equal(("message", "query", "s1", "true", "0"), (usync["context"], usync["mode"], usync["sid"], usync["last"], usync["index"]));
        Assert.Equal(["devices", "lid"], usync.RequireChild("query").Children.AsSpan().ToArray().Select(c => c.Tag));
        Assert.Equal("2", usync.RequireChild("query").RequireChild("devices")["version"]);
        Assert.Equal(["123@s.whatsapp.net", "55@lid"], usync.RequireChild("list").GetChildren("user").Select(u => u["jid"]));
    }

    [Fact]
    public void Contact_query_sends_plus_prefixed_numbers()
    {
        var iq = new UsyncContactsSpec("s", ["+1555", "1666"]).Build("q");
        var usync = iq.RequireChild("usync");
        Assert.Equal("interactive", usync["context"]);
        Assert.Equal(["+1555", "+1666"], usync.RequireChild("list").GetChildren("user").Select(u => u.RequireChild("contact").ContentAsString));
    }

    [Fact]
    public void Odd_answers_skip_what_they_cannot_read_instead_of_throwing()
    {
        BinaryNode[] answers =
        [
            new("iq"),
            new("iq", [], [new BinaryNode("usync")]),
            new("iq", [], [new BinaryNode("usync", [], [new BinaryNode("list", [], [new BinaryNode("user", [("jid", "not a jid")])])])]),
            new("iq", [], [new BinaryNode("usync", [], [new BinaryNode("list", [], [new BinaryNode("user", [("jid", "1@s.whatsapp.net")],
                [new BinaryNode("devices", [], [new BinaryNode("device-list", [], [new BinaryNode("device", [("id", "x")]), new BinaryNode("device", [("id", "70000")])])])])])])]),
        ];
        foreach (var answer in answers)
        {
            Assert.All(new UsyncDevicesSpec("s", []).Parse(answer), u => Assert.Empty(u.Devices));
            Assert.Empty(new UsyncContactsSpec("s", []).Parse(answer));
        }
    }
}

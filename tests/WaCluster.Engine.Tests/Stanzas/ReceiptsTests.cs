using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Core.Stanzas;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.Stanzas;

public sealed class ReceiptsTests
{
    // Baileys' getStatusFromReceiptType: no type is DELIVERY_ACK (3), read and read-self READ (4), played PLAYED (5).
    [Theory]
    [InlineData(null, 3)]
    [InlineData("", 3)]
    [InlineData("read", 4)]
    [InlineData("read-self", 4)]
    [InlineData("played", 5)]
    [InlineData("retry", null)]
    [InlineData("server-error", null)]
    [InlineData("inactive", null)]
    public void A_receipt_type_maps_to_Baileys_status_number(string? type, int? expected)
    {
        Assert.Equal(expected, (int?)Receipts.StatusOf(type));
        var parsed = Receipts.Parse(new BinaryNode("receipt", [("id", "m1"), ("from", "15550001@s.whatsapp.net"), ("type", type)]));
        Assert.Equal(expected, (int?)parsed.Status);
    }

    [Fact]
    public void A_receipt_covers_its_own_id_and_every_listed_item_with_its_time_and_member()
    {
        var receipt = Receipts.Parse(new BinaryNode("receipt", [("id", "m1"), ("from", "123-456@g.us"), ("participant", "15550002:3@s.whatsapp.net"),
            ("type", "read"), ("t", "1700000000")],
            [new BinaryNode("list", [], [new BinaryNode("item", [("id", "m2")]), new BinaryNode("item"), new BinaryNode("item", [("id", "m3")])])]));
        Assert.Equal(["m1", "m2", "m3"], receipt.Ids);
        Assert.Equal((Jid.Parse("123-456@g.us"), Jid.Parse("15550002:3@s.whatsapp.net")), (receipt.From!.Value, receipt.Participant!.Value));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), receipt.Timestamp);
        Assert.Equal("delivery", Receipts.Parse(new BinaryNode("receipt", [("id", "m4")])).Type);
        Assert.Null(Receipts.Parse(new BinaryNode("receipt", [("id", "m5"), ("t", "soon")])).Timestamp);
    }

    [Fact]
    public void Delivery_and_read_receipts_go_to_the_sender_user_or_to_the_group_naming_the_author()
    {
        var direct = Receipts.Delivery(new BinaryNode("message", [("id", "d1"), ("from", "15550001:4@s.whatsapp.net")]));
        Assert.Equal(("receipt", "d1", "15550001@s.whatsapp.net", null), (direct.Tag, direct["id"], direct["to"], direct.GetAttribute("type")));
        var group = Receipts.Delivery(new BinaryNode("message", [("id", "g1"), ("from", "123-456@g.us"), ("participant", "15550002@s.whatsapp.net")]));
        Assert.Equal(("123-456@g.us", "15550002@s.whatsapp.net"), (group["to"], group["participant"]));
        var read = Receipts.Read(new WaMessageKey(Jid.Parse("123-456@g.us"), false, "g1", Jid.Parse("15550002@s.whatsapp.net")));
        Assert.Equal(("g1", "123-456@g.us", "read", "15550002@s.whatsapp.net"), (read["id"], read["to"], read["type"], read["participant"]));
    }

    [Fact]
    public void A_retry_receipt_names_the_failing_device_and_the_chat_of_the_message()
    {
        var me = Jid.Parse("15550001111:7@s.whatsapp.net");
        BinaryNode[] retry = [new BinaryNode("retry", [("count", "2")])];

        var peer = Receipts.ParseRetry(new BinaryNode("receipt", [("id", "m1"), ("from", "15550002222:3@s.whatsapp.net"), ("type", "retry")], retry), me)!;
        Assert.Equal(("m1", Jid.Parse("15550002222:3@s.whatsapp.net"), Jid.Parse("15550002222:3@s.whatsapp.net"), "2"), (peer.Id, peer.Device, peer.Chat, peer.Count));
        Assert.Null(peer.Bundle);

        var member = Receipts.ParseRetry(new BinaryNode("receipt",
            [("id", "m2"), ("from", "120363000000000001@g.us"), ("participant", "15550003333:1@s.whatsapp.net"), ("type", "retry")]), me)!;
        Assert.Equal((Jid.Parse("15550003333:1@s.whatsapp.net"), Jid.Parse("120363000000000001@g.us"), "1"), (member.Device, member.Chat, member.Count));

        var ownDevice = Receipts.ParseRetry(new BinaryNode("receipt",
            [("id", "m3"), ("from", "15550001111:2@s.whatsapp.net"), ("recipient", "15550002222@s.whatsapp.net"), ("type", "retry")], retry), me)!;
        Assert.Equal((Jid.Parse("15550001111:2@s.whatsapp.net"), Jid.Parse("15550002222@s.whatsapp.net")), (ownDevice.Device, ownDevice.Chat));

        Assert.Null(Receipts.ParseRetry(new BinaryNode("receipt", [("from", "15550002222:3@s.whatsapp.net"), ("type", "retry")]), me));
        Assert.Throws<EngineException>(() => Receipts.ParseRetry(new BinaryNode("receipt", [("id", "m4"), ("from", "120363000000000001@g.us"), ("type", "retry")]), me));
    }
}

using System.Buffers;
using System.Text;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Protocol.Tests.Binary;

/// <summary>The node model's construction rules and lookups, and the encoder's limits.</summary>
public sealed class BinaryNodeTests
{
    [Fact]
    public void Null_attributes_are_dropped_and_order_is_kept()
    {
        string? absent = null;
        var node = new BinaryNode("iq", [("id", "1"), ("to", absent), ("type", "get"), ("xmlns", "w:p")]);
        Assert.Equal(["id", "type", "xmlns"], node.Attributes.Select(a => a.Key));
        Assert.Null(node["to"]);
        Assert.Equal("get", node["type"]);
        Assert.Equal(NodeContentKind.None, node.ContentKind);
    }

    [Fact]
    public void Duplicate_keys_and_empty_tags_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new BinaryNode("iq", [("id", "1"), ("id", "2")]));
        Assert.Throws<ArgumentException>(() => new BinaryNode(""));
    }

    [Fact]
    public void Lookups_find_children_attributes_jids_and_numbers()
    {
        var jid = Jid.Parse("5511987654321:3@s.whatsapp.net");
        var node = new BinaryNode("receipt", [("from", jid), ("t", "1700000000"), ("none", default(Jid))],
        [
            new BinaryNode("item", [("id", "a")]),
            new BinaryNode("list", [], [new BinaryNode("item", [("id", "b")])]),
            new BinaryNode("item", [("id", "c")], Encoding.UTF8.GetBytes("hello")),
        ]);
        Assert.Equal(jid, node.RequireJid("from"));
        Assert.Null(node.GetAttribute("none"));
        Assert.Equal(1700000000L, node.RequireInt64("t"));
        Assert.Equal("a", node.GetChild("item")!["id"]);
        Assert.Equal(["a", "c"], node.GetChildren("item").Select(c => c["id"]));
        Assert.Equal("hello", node.Children[2].ContentAsString);
        Assert.Null(node.GetChild("missing"));
        Assert.Throws<NodeFormatException>(() => node.RequireChild("missing"));
        Assert.Throws<NodeFormatException>(() => node.RequireAttribute("missing"));
        Assert.Throws<NodeFormatException>(() => node.RequireJid("t"));
        Assert.Throws<NodeFormatException>(() => node.Children[0].RequireInt64("id"));
    }

    [Fact]
    public void ToString_shows_structure_but_never_byte_values()
    {
        var secret = new byte[] { 0xde, 0xad, 0xbe, 0xef };
        var text = new BinaryNode("key", [("id", "7")], [new BinaryNode("value", [], secret)]).ToString();
        Assert.Equal("<key id=\"7\"><value>[4 bytes]</value></key>", text);
    }

    [Fact]
    public void Encoded_nodes_decode_to_the_same_structure()
    {
        var node = new BinaryNode("message", [("to", "120363042@g.us"), ("id", "3EB0ABCDEF"), ("type", "text")],
        [
            new BinaryNode("enc", [("v", "2"), ("type", "skmsg")], new byte[300]),
            new BinaryNode("empty", [], ReadOnlySpan<BinaryNode>.Empty),
            new BinaryNode("body", [], "hello world"),
            new BinaryNode("participant", [("jid", "1555:12@lid")], "s.whatsapp.net"),
        ]);
        var decoded = BinaryDecoder.Decode(BinaryEncoder.Encode(node));
        Assert.Equal(node.ToString(), decoded.ToString().Replace("[11 bytes]", "hello world"));
        Assert.Equal(NodeContentKind.Children, decoded.GetChild("empty")!.ContentKind);
        Assert.Empty(decoded.GetChild("empty")!.Children);
        // Raw text comes back as bytes (the wire has no string/bytes distinction for it); token text stays text.
        Assert.Equal(NodeContentKind.Bytes, decoded.GetChild("body")!.ContentKind);
        Assert.Equal(NodeContentKind.Text, decoded.GetChild("participant")!.ContentKind);
    }

    [Fact]
    public void Encoding_into_a_buffer_writer_appends_the_same_frame()
    {
        var node = new NodeGenerator(5).Node();
        var output = new ArrayBufferWriter<byte>();
        output.Write<byte>([9, 9]);
        var written = BinaryEncoder.Encode(node, output);
        Assert.Equal([9, 9, .. BinaryEncoder.Encode(node)], output.WrittenSpan.ToArray());
        Assert.Equal(output.WrittenCount - 2, written);
    }

    [Fact]
    public void Values_with_many_at_signs_encode_as_a_chain_that_decodes_without_deep_recursion()
    {
        var value = string.Join("@", Enumerable.Range(0, 5000).Select(i => $"u{i}"));
        var node = new BinaryNode("x", [("v", value)]);
        Assert.Equal(value, BinaryDecoder.Decode(BinaryEncoder.Encode(node))["v"]);
    }

    [Fact]
    public void Encoder_refuses_what_the_format_or_the_decoder_cannot_carry()
    {
        var deep = new BinaryNode("leaf");
        for (var i = 0; i < CodecLimits.MaxNodeDepth + 1; i++) deep = new BinaryNode("n", [], [deep]);
        Assert.Throws<BinaryCodecException>(() => BinaryEncoder.Encode(deep));

        var wide = new BinaryNode("list", [], Enumerable.Range(0, CodecLimits.MaxListSize + 1).Select(_ => new BinaryNode("i")).ToArray());
        Assert.Throws<BinaryCodecException>(() => BinaryEncoder.Encode(wide));
    }
}

using WaCluster.Core.Stanzas;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Tests.Stanzas;

public sealed class StanzaRouterTests
{
    private static readonly StanzaRouter<string> Router = new(
    [
        (new StanzaKey("message"), "message"),
        (new StanzaKey("receipt", "retry"), "retry receipt"),
        (new StanzaKey("receipt"), "receipt"),
        (new StanzaKey("notification", "w:gp2"), "group notification"),
        (new StanzaKey("notification"), "other notification"),
        (new StanzaKey("ack", "message"), "message ack"),
        (new StanzaKey("iq", "pair-device"), "pair device"),
        (new StanzaKey("iq", "urn:xmpp:ping"), "server ping"),
        (new StanzaKey("ib", "offline"), "offline marker"),
    ]);

    [Fact]
    public void Registering_a_key_twice_is_refused_at_construction()
    {
        var error = Assert.Throws<ArgumentException>(() => new StanzaRouter<string>(
            [(new StanzaKey("receipt", "read"), "a"), (new StanzaKey("receipt"), "b"), (new StanzaKey("receipt", "read"), "c")]));
        Assert.Contains("receipt/read", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new StanzaRouter<string>([(new StanzaKey("call"), "a"), (new StanzaKey("call"), "b")]));
    }

    [Fact]
    public void Each_stanza_resolves_to_its_discriminated_handler_or_its_tags_fallback()
    {
        Assert.Equal("message", Router.Resolve(new BinaryNode("message", [("type", "text")])));
        Assert.Equal("retry receipt", Router.Resolve(new BinaryNode("receipt", [("type", "retry")])));
        Assert.Equal("receipt", Router.Resolve(new BinaryNode("receipt", [("type", "read")])));
        Assert.Equal("group notification", Router.Resolve(new BinaryNode("notification", [("type", "w:gp2")])));
        Assert.Equal("other notification", Router.Resolve(new BinaryNode("notification", [("type", "picture")])));
        Assert.Equal("other notification", Router.Resolve(new BinaryNode("notification")));
        Assert.Equal("pair device", Router.Resolve(new BinaryNode("iq", [("type", "set"), ("xmlns", "md")], [new BinaryNode("pair-device")])));
        Assert.Equal("server ping", Router.Resolve(new BinaryNode("iq", [("type", "get"), ("xmlns", "urn:xmpp:ping")])));
        Assert.Equal("offline marker", Router.Resolve(new BinaryNode("ib", [], [new BinaryNode("offline", [("count", "0")])])));
    }

    [Fact]
    public void A_stanza_with_neither_its_key_nor_its_tag_registered_has_no_handler()
    {
        Assert.Null(Router.Resolve(new BinaryNode("ack", [("class", "receipt")])));
        Assert.Null(Router.Resolve(new BinaryNode("iq", [("xmlns", "md")], [new BinaryNode("pair-success")])));
        Assert.Null(Router.Resolve(new BinaryNode("ib", [], [new BinaryNode("dirty")])));
        Assert.Null(Router.Resolve(new BinaryNode("presence")));
    }

    [Fact]
    public void Keys_follow_the_discriminator_of_each_tag()
    {
        Assert.Equal(new StanzaKey("receipt", "delivery"), StanzaKey.Of(new BinaryNode("receipt", [("id", "1")])));
        Assert.Equal(new StanzaKey("receipt", "delivery"), StanzaKey.Of(new BinaryNode("receipt", [("type", "")])));
        Assert.Equal(new StanzaKey("ack", "receipt"), StanzaKey.Of(new BinaryNode("ack", [("class", "receipt"), ("type", "read")])));
        Assert.Equal(new StanzaKey("iq", "pair-success"), StanzaKey.Of(new BinaryNode("iq", [("xmlns", "md")], [new BinaryNode("pair-success")])));
        Assert.Equal(new StanzaKey("ib"), StanzaKey.Of(new BinaryNode("ib")));
        Assert.Equal(new StanzaKey("call"), StanzaKey.Of(new BinaryNode("call", [("type", "offer")], [new BinaryNode("offer")])));
        Assert.Equal(new StanzaKey("stream:error"), StanzaKey.Of(new BinaryNode("stream:error", [("code", "515")])));
    }

    [Fact]
    public void The_router_lists_every_registered_key_once()
    {
        Assert.Equal(9, Router.Keys.Count);
        Assert.Contains(new StanzaKey("receipt"), Router.Keys);
        Assert.Contains(new StanzaKey("iq", "urn:xmpp:ping"), Router.Keys);
        Assert.Equal(["ack/message", "ib/offline", "iq/pair-device", "iq/urn:xmpp:ping", "message", "notification", "notification/w:gp2", "receipt", "receipt/retry"],
            Router.Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal));
    }
}

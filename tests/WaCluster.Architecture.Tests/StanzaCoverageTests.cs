using WaCluster.Core.Creds;
using WaCluster.Core.Stanzas;
using WaCluster.Engine;
using WaCluster.Engine.Handlers;
using WaCluster.Engine.State;
using WaCluster.Protocol.Binary;
using WaCluster.Signal.Stores;
using WaCluster.Simulator.Stanzas;

namespace WaCluster.Architecture.Tests;

/// <summary>
/// Every stanza the simulator can push reaches exactly one engine handler. The simulator's catalogue is complete
/// because its outbound path refuses anything else; iq answers are not routed, the engine matches them to its request.
/// </summary>
[Trait("Proof", "architecture")]
public sealed class StanzaCoverageTests
{
    public static TheoryData<string, string?> PushedKinds()
    {
        var kinds = new TheoryData<string, string?>();
        foreach (var kind in OutboundStanzas.Pushed) kinds.Add(kind.Tag, kind.Discriminator);
        return kinds;
    }

    [Theory]
    [MemberData(nameof(PushedKinds))]
    public void Each_kind_the_simulator_pushes_has_one_engine_handler(string tag, string? discriminator)
    {
        var node = NodeOf(tag, discriminator);
        // The node is keyed as the catalogue says, so the router sees the kind under test.
        var key = StanzaKey.Of(node);
        Assert.Equal(tag, key.Tag);
        if (discriminator is not null) Assert.Equal(discriminator, key.Discriminator);

        Assert.NotNull(Router().Resolve(node));
    }

    [Fact]
    public void The_catalogue_holds_the_kinds_the_engine_acts_on_specifically()
    {
        // Kinds with their own handler: if the simulator stopped sending one, this list and its tests went stale.
        StanzaKey[] expected =
        [
            new("iq", "pair-device"), new("iq", "pair-success"), new("ib", "offline"), new("receipt", "retry"),
            new("receipt", "server-error"), new("ack", "message"), new("notification", "w:gp2"), new("notification", "devices"),
            new("notification", "encrypt"), new("notification", "mediaretry"), new("notification", "link_code_companion_reg"),
        ];
        Assert.All(expected, key => Assert.Contains(key, OutboundStanzas.Pushed));
    }

    [Fact]
    public void The_router_refuses_a_handler_registered_twice()
    {
        var entries = StanzaTable.Entries(NewEngine());
        var duplicate = entries.First(entry => entry.Key == new StanzaKey("message"));

        var refused = Assert.Throws<ArgumentException>(() => new StanzaRouter<StanzaRoute>(entries.Append(duplicate)));
        Assert.Contains("message", refused.Message, StringComparison.Ordinal);
        Assert.Equal(entries.Count, new StanzaRouter<StanzaRoute>(entries).Keys.Count);
    }

    private static StanzaRouter<StanzaRoute> Router() => StanzaTable.For(NewEngine());

    private static AccountEngine NewEngine()
    {
        var creds = AuthCreds.CreateNew();
        return new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), new DiscardingPersister(), new EngineOptions());
    }

    // Where each tag carries its discriminator on the wire (see StanzaKey.Of).
    private static BinaryNode NodeOf(string tag, string? discriminator) => (tag, discriminator) switch
    {
        (_, null) => new BinaryNode(tag, [("id", "1")]),
        ("receipt", "delivery") => new BinaryNode(tag, [("id", "1")]),
        ("notification" or "receipt", _) => new BinaryNode(tag, [("id", "1"), ("type", discriminator)]),
        ("ack", _) => new BinaryNode(tag, [("id", "1"), ("class", discriminator)]),
        ("iq" or "ib", _) => new BinaryNode(tag, [("id", "1")], [new BinaryNode(discriminator, [])]),
        _ => throw new ArgumentException($"no wire form for the kind {tag}/{discriminator}", nameof(discriminator)),
    };

    private sealed class DiscardingPersister : IEngineStatePersister
    {
        public ValueTask PersistAsync(EngineStateChange change, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}

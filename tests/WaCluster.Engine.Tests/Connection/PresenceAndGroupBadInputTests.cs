using WaCluster.Core;
using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.Tests.Connection;

/// <summary>
/// Malformed presence, chat state, w:gp2 and group retry stanzas from the server: each becomes an EngineError (notifications are
/// still acked so they are not redelivered forever), and the connection keeps working for the next good stanza.
/// </summary>
[Trait("Proof", "engine-badinput")]
public sealed class PresenceAndGroupBadInputTests
{
    private const string Peer = "15550002222@s.whatsapp.net";

    [Fact]
    public async Task Malformed_presence_chatstate_group_notifications_and_retry_receipts_are_reported_without_dropping_the_connection()
    {
        var server = new ScriptedServer();
        var creds = AuthCreds.CreateNew() with { Me = new Contact("15550001111:7@s.whatsapp.net"), Account = [1] };
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), new RecordingPersister(),
            new EngineOptions(), server);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var connection = await server.NextConnectionAsync();

        BinaryNode[] unacked =
        [
            new("presence", [("type", "unavailable")]),
            new("chatstate", [("from", Peer)]),
            new("chatstate", [("from", Peer)], [new BinaryNode("typing")]),
        ];
        foreach (var stanza in unacked)
        {
            connection.Push(stanza);
            var error = await engine.Events.NextAsync<EngineError>();
            Assert.Contains($"<{stanza.Tag}>", error.Context, StringComparison.Ordinal);
            Assert.IsAssignableFrom<EngineException>(error.Error);
        }

        BinaryNode[] acked =
        [
            GroupNotification("n1", Peer, new BinaryNode("subject", [("subject", "not a group")])),
            GroupNotification("n2", "120363000000000001@g.us", new BinaryNode("remove", [], [new BinaryNode("participant")])),
            GroupNotification("n3", "120363000000000001@g.us", new BinaryNode("create", [], [new BinaryNode("group", [("subject", "no id")])])),
            GroupNotification("n4", "120363000000000001@g.us", new BinaryNode("create", [], [new BinaryNode("group", [("id", Peer)])])),
        ];
        foreach (var stanza in acked)
        {
            connection.Push(stanza);
            var error = await engine.Events.NextAsync<EngineError>();
            Assert.Contains(stanza.GetAttribute("id")!, error.Context, StringComparison.Ordinal);
            var ack = await connection.NextSentAsync();
            Assert.Equal(("ack", stanza.GetAttribute("id"), "notification"), (ack.Tag, ack["id"], ack["class"]));
        }

        // A group retry receipt that names no member device: acked, reported, nothing resent.
        connection.Push(new BinaryNode("receipt", [("id", "r1"), ("from", "120363000000000001@g.us"), ("type", "retry")], [new BinaryNode("retry", [("count", "1")])]));
        var receiptAck = await connection.NextSentAsync();
        Assert.Equal(("ack", "r1", "receipt"), (receiptAck.Tag, receiptAck["id"], receiptAck["class"]));
        var retryError = await engine.Events.NextAsync<EngineError>();
        Assert.Equal("retry receipt", retryError.Context);
        Assert.IsAssignableFrom<EngineException>(retryError.Error);

        // Still connected: a good presence (last seen withheld) and a paused chat state are announced.
        connection.Push(new BinaryNode("presence", [("from", Peer), ("type", "unavailable"), ("last", "deny")]));
        var away = await engine.Events.NextAsync<PresenceUpdate>();
        Assert.Equal(new PresenceData("unavailable"), away.Presences[Jid.Parse(Peer)]);
        connection.Push(new BinaryNode("chatstate", [("from", "120363000000000001@g.us"), ("participant", Peer)], [new BinaryNode("paused")]));
        var paused = await engine.Events.NextAsync<PresenceUpdate>();
        Assert.Equal((Jid.Parse("120363000000000001@g.us"), "available"), (paused.Id, paused.Presences[Jid.Parse(Peer)].LastKnownPresence));
        connection.Push(new BinaryNode("iq", [("id", "still-there"), ("type", "get"), ("xmlns", "urn:xmpp:ping")]));
        Assert.Equal("still-there", (await connection.NextSentAsync())["id"]);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static BinaryNode GroupNotification(string id, string from, BinaryNode change) =>
        new("notification", [("id", id), ("from", from), ("type", "w:gp2"), ("participant", Peer)], [change]);
}

using System.Buffers.Binary;
using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.Tests.Connection;

/// <summary>
/// A message that arrives while a send waits for the server (here for a pre-key bundle) must not stop the engine from
/// reading that answer: the send completes, and the message is handled after it, in order.
/// </summary>
public sealed class ReadLoopDuringSendTests
{
    private const string Bob = "15550002222@s.whatsapp.net";

    [Fact]
    public async Task A_message_arriving_during_a_bundle_fetch_neither_blocks_the_send_nor_is_lost()
    {
        var server = new ScriptedServer();
        var creds = AuthCreds.CreateNew() with { Me = new Contact("15550001111:7@s.whatsapp.net"), Account = [1] };
        var options = new EngineOptions { DefaultQueryTimeout = TimeSpan.FromSeconds(5), MessageAckTimeout = TimeSpan.FromSeconds(10) };
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), new RecordingPersister(),
            options, server);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var connection = await server.NextConnectionAsync();

        var send = engine.SendTextAsync(WaCluster.Protocol.Jids.Jid.Parse(Bob), "hello");
        var usync = await connection.NextSentAsync();
        connection.Push(new BinaryNode("iq", [("from", "s.whatsapp.net"), ("type", "result"), ("id", usync["id"])],
            [new BinaryNode("usync", [], [new BinaryNode("list", [], [UserWithPhoneOnly(Bob), UserWithPhoneOnly("15550001111@s.whatsapp.net")])])]));
        var fetch = await connection.NextSentAsync();
        Assert.Equal(("iq", "encrypt", "get"), (fetch.Tag, fetch["xmlns"], fetch["type"]));

        // Bob's message comes before the bundle: it needs the Signal lock the send holds.
        connection.Push(new BinaryNode("message", [("id", "in-1"), ("from", Bob), ("t", "1")],
            [new BinaryNode("enc", [("v", "2"), ("type", "msg")], (ReadOnlyMemory<byte>)new byte[] { 0x33, 1, 2, 3 })]));
        connection.Push(new BinaryNode("iq", [("from", "s.whatsapp.net"), ("type", "result"), ("id", fetch["id"])],
            [new BinaryNode("list", [], [Bundle(Bob)])]));

        var stanza = await connection.NextSentAsync();
        Assert.Equal(("message", Bob), (stanza.Tag, stanza["to"]));
        connection.Push(new BinaryNode("ack", [("class", "message"), ("id", stanza["id"]), ("from", Bob), ("t", "2")]));
        Assert.Equal(stanza["id"], await send.WaitAsync(TimeSpan.FromSeconds(10)));

        // Then Bob's message, undecryptable here, is reported, answered with a retry receipt and acked.
        Assert.Contains("in-1", (await engine.Events.NextAsync<EngineError>()).Context, StringComparison.Ordinal);
        Assert.Equal(("receipt", "retry"), Tag(await connection.NextSentAsync()));
        Assert.Equal(("ack", null), Tag(await connection.NextSentAsync()));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static (string, string?) Tag(BinaryNode node) => (node.Tag, node["type"]);

    private static BinaryNode UserWithPhoneOnly(string jid) => new("user", [("jid", jid)],
        [new BinaryNode("devices", [], [new BinaryNode("device-list", [], [new BinaryNode("device", [("id", "0")])])])]);

    // A valid bundle for a fresh device: identity, signed pre-key signed by it, one-time pre-key.
    private static BinaryNode Bundle(string jid)
    {
        var identity = Curve25519.GenerateKeyPair();
        var signedPreKey = Curve25519.GenerateKeyPair();
        var preKey = Curve25519.GenerateKeyPair();
        var registration = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registration, 4242);
        return new BinaryNode("user", [("jid", jid)],
        [
            new BinaryNode("registration", [], (ReadOnlyMemory<byte>)registration),
            new BinaryNode("type", [], (ReadOnlyMemory<byte>)new byte[] { 5 }),
            new BinaryNode("identity", [], (ReadOnlyMemory<byte>)identity.PublicKey),
            new BinaryNode("skey", [],
            [
                new BinaryNode("id", [], (ReadOnlyMemory<byte>)new byte[] { 0, 0, 1 }),
                new BinaryNode("value", [], (ReadOnlyMemory<byte>)signedPreKey.PublicKey),
                new BinaryNode("signature", [], (ReadOnlyMemory<byte>)Curve25519.Sign(identity.PrivateKey, Curve25519.Prefixed(signedPreKey.PublicKey))),
            ]),
            new BinaryNode("key", [],
            [
                new BinaryNode("id", [], (ReadOnlyMemory<byte>)new byte[] { 0, 0, 9 }),
                new BinaryNode("value", [], (ReadOnlyMemory<byte>)preKey.PublicKey),
            ]),
        ]);
    }
}

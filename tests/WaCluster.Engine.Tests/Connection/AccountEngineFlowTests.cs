using System.Collections.Concurrent;
using WaCluster.Core;
using WaCluster.Core.Connection;
using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Core.Pairing;
using WaCluster.Engine.Connection;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Binary;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.Tests.Connection;

/// <summary>The engine driven through a scripted server: the whole QR pairing and login flow, keep-alive, stream errors.</summary>
public sealed class AccountEngineFlowTests
{
    private static readonly EngineOptions Options = new() { InitialPreKeyCount = 30 };

    [Fact]
    public async Task Pairs_by_qr_restarts_on_515_logs_in_and_uploads_pre_keys_persisting_before_each_reply()
    {
        var log = new ConcurrentQueue<string>();
        var server = new ScriptedServer { Log = log };
        var persister = new RecordingPersister(log);
        var creds = AuthCreds.CreateNew();
        var store = new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId);
        var engine = new AccountEngine(creds, store, persister, Options, server);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);

        var first = await server.NextConnectionAsync();
        Assert.NotNull(first.Payload.DevicePairingData);
        first.Push(new BinaryNode("iq", [("from", "s.whatsapp.net"), ("type", "set"), ("id", "pd-1")],
            [new BinaryNode("pair-device", [], [new BinaryNode("ref", [], "ref-one"), new BinaryNode("ref", [], "ref-two")])]));
        var ack = await first.NextSentAsync();
        Assert.Equal(("iq", "result", "pd-1"), (ack.Tag, ack["type"], ack["id"]));
        var qr = await engine.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null);
        Assert.Equal(PairingQr.Build("ref-one", creds, Options.Browser), qr.Qr);

        var phone = new FakePhone();
        first.Push(phone.PairSuccess(creds, id: "ps-1", keyIndex: 2));
        var reply = await first.NextSentAsync();
        Assert.Equal("pair-device-sign", reply.Children[0].Tag);
        Assert.Equal("ps-1", reply["id"]);
        var paired = (await persister.NextAsync(c => c.Creds?.IsPaired == true)).Creds!;
        Assert.True((await engine.Events.NextAsync<ConnectionUpdate>(u => u.IsNewLogin is not null)).IsNewLogin);
        Assert.True(paired.IsPaired);
        Assert.Equal("15550001111:7@s.whatsapp.net", paired.Me!.Id);

        first.Push(new BinaryNode("stream:error", [("code", "515")]));
        var closed = await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Close);
        Assert.Equal(515, closed.LastDisconnect!.StatusCode);
        Assert.True(first.Disposed);

        var second = await server.NextConnectionAsync();
        Assert.Null(second.Payload.DevicePairingData);
        Assert.Equal(15550001111UL, second.Payload.Username);
        Assert.Equal(7u, second.Payload.Device);
        second.Push(new BinaryNode("success", [("t", "1700000000"), ("lid", "99887766:7@lid")]));
        await second.AnswerNextIqAsync("encrypt", new BinaryNode("count", [("value", "0")]));
        var upload = await second.NextSentAsync();
        Assert.Equal(("encrypt", "set"), (upload["xmlns"], upload["type"]));
        var uploadedIds = upload.RequireChild("list").GetChildren("key").Select(k => k.RequireChild("id").Bytes.ToArray()[2]).ToArray();
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (byte)i), uploadedIds);
        second.Push(new BinaryNode("iq", [("type", "result"), ("id", upload["id"])]));
        await second.AnswerNextIqAsync("passive");
        await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open);

        // Every generated pre-key is in the store and was persisted before the server could see it.
        Assert.Equal(30, store.PreKeys.Count);
        var entries = log.ToArray();
        Assert.True(Array.IndexOf(entries, "persist:paired") < Array.IndexOf(entries, "send:iq/pair-device-sign"));
        var persistKeys = Array.IndexOf(entries, "persist:pre-keys generated");
        Assert.True(persistKeys >= 0 && persistKeys < Array.LastIndexOf(entries, "send:iq/registration"));
        var keyChange = persister.Changes.Single(c => c.Cause == "pre-keys generated");
        Assert.Equal(30, keyChange.Keys!.PreKeys.Count);
        Assert.Equal(31u, keyChange.Creds!.NextPreKeyId);
        Assert.Equal("99887766:7@lid", engine.Creds.Me!.Lid);

        second.Push(new BinaryNode("stream:error", [], [new BinaryNode("conflict", [("type", "replaced")])]));
        var final = await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(DisconnectReason.ConnectionReplaced, final.Reason);
    }

    [Fact]
    public async Task Tampered_pair_success_closes_the_connection_without_a_reply_or_persisted_creds()
    {
        var server = new ScriptedServer();
        var persister = new RecordingPersister();
        var creds = AuthCreds.CreateNew();
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), persister, Options, server,
            backoff: new ReconnectBackoff(TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var connection = await server.NextConnectionAsync();
        connection.Push(new FakePhone().PairSuccess(creds, tamperWrapper: w => w.Hmac = Google.Protobuf.ByteString.CopyFrom(new byte[32])));
        var closed = await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Close);
        Assert.Equal(500, closed.LastDisconnect!.StatusCode);
        Assert.IsType<PairingException>(closed.LastDisconnect.Error);
        // Only the signed pre-key the run starts by storing; nothing from the refused pairing.
        Assert.Equal(["signed pre-key"], persister.Changes.Select(c => c.Cause));
        Assert.False(engine.Creds.IsPaired);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Qr_refs_rotate_60_then_20_seconds_and_end_with_408_when_used_up()
    {
        var time = new TimerWatchingTimeProvider();
        var server = new ScriptedServer();
        var creds = AuthCreds.CreateNew();
        var options = Options with { KeepAliveInterval = TimeSpan.FromHours(1) };
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), new RecordingPersister(),
            options, server, time, new ReconnectBackoff(TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var connection = await server.NextConnectionAsync();
        connection.Push(new BinaryNode("iq", [("type", "set"), ("id", "p")],
            [new BinaryNode("pair-device", [], [new BinaryNode("ref", [], "r1"), new BinaryNode("ref", [], "r2")])]));
        Assert.StartsWith(PairingQr.UrlPrefix + "r1,", (await engine.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null)).Qr);
        await time.TimerArmedAsync(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(engine.Events.TryPeek(out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.StartsWith(PairingQr.UrlPrefix + "r2,", (await engine.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null)).Qr);
        await time.TimerArmedAsync(TimeSpan.FromSeconds(20));
        time.Advance(TimeSpan.FromSeconds(20));
        var closed = await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Close);
        Assert.Equal(408, closed.LastDisconnect!.StatusCode);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Keep_alive_pings_on_the_interval_and_declares_a_silent_connection_lost()
    {
        var time = new TimerWatchingTimeProvider();
        var server = new ScriptedServer();
        var creds = AuthCreds.CreateNew();
        var options = Options with { KeepAliveInterval = TimeSpan.FromSeconds(30) };
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), new RecordingPersister(),
            options, server, time, new ReconnectBackoff(TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var connection = await server.NextConnectionAsync();
        await time.TimerArmedAsync(options.KeepAliveInterval);
        time.Advance(TimeSpan.FromSeconds(30));
        var ping = await connection.NextSentAsync();
        Assert.Equal(("iq", "w:p", "get", "@s.whatsapp.net"), (ping.Tag, ping["xmlns"], ping["type"], ping["to"]));
        Assert.NotNull(ping.GetChild("ping"));
        // No answer and nothing else for more than interval + 5 s: the next tick ends the connection.
        time.Advance(TimeSpan.FromSeconds(30));
        var closed = await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Close);
        Assert.Equal(408, closed.LastDisconnect!.StatusCode);
        Assert.Equal("Connection was lost", closed.LastDisconnect.Message);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Notifications_are_acked_and_server_pings_answered()
    {
        var server = new ScriptedServer();
        var creds = AuthCreds.CreateNew();
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), new RecordingPersister(), Options, server);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var connection = await server.NextConnectionAsync();
        connection.Push(new BinaryNode("notification", [("id", "n1"), ("from", "123@s.whatsapp.net"), ("type", "devices"), ("participant", "5@lid")]));
        var ack = await connection.NextSentAsync();
        Assert.Equal(("ack", "n1", "123@s.whatsapp.net", "notification", "devices", "5@lid"),
            (ack.Tag, ack["id"], ack["to"], ack["class"], ack["type"], ack["participant"]));
        connection.Push(new BinaryNode("iq", [("id", "pi"), ("from", "s.whatsapp.net"), ("type", "get"), ("xmlns", "urn:xmpp:ping")]));
        var pong = await connection.NextSentAsync();
        Assert.Equal(("iq", "result", "pi"), (pong.Tag, pong["type"], pong["id"]));
        connection.Push(new BinaryNode("failure", [("reason", "401")]));
        var final = await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(DisconnectReason.LoggedOut, final.Reason);
    }

    [Fact]
    public async Task Undecryptable_and_malformed_messages_are_reported_and_acked_without_dropping_the_connection()
    {
        var server = new ScriptedServer();
        var creds = AuthCreds.CreateNew() with { Me = new Contact("15550001111:7@s.whatsapp.net"), Account = [1] };
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), new RecordingPersister(), Options, server);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var connection = await server.NextConnectionAsync();
        connection.Push(new BinaryNode("message", [("id", "m1"), ("from", "15550002222:3@s.whatsapp.net"), ("t", "1")],
            [new BinaryNode("enc", [("v", "2"), ("type", "msg")], (ReadOnlyMemory<byte>)new byte[] { 0x33, 1, 2, 3 })]));
        var error = await engine.Events.NextAsync<EngineError>();
        Assert.Contains("m1", error.Context, StringComparison.Ordinal);
        Assert.IsAssignableFrom<EngineException>(error.Error);
        // The sender is asked to encrypt again: our registration id, and a fresh bundle since we hold no session with it.
        var retry = await connection.NextSentAsync();
        Assert.Equal(("receipt", "m1", "retry", "15550002222:3@s.whatsapp.net"), (retry.Tag, retry["id"], retry["type"], retry["to"]));
        Assert.Equal("1", retry.RequireChild("retry")["count"]);
        Assert.Equal(creds.RegistrationId, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(retry.RequireChild("registration").Bytes.Span));
        Assert.Equal(creds.SignedIdentityKey.PublicKey, retry.RequireChild("keys").RequireChild("identity").Bytes.ToArray());
        var ack = await connection.NextSentAsync();
        Assert.Equal(("ack", "m1", "message"), (ack.Tag, ack["id"], ack["class"]));

        connection.Push(new BinaryNode("message", [("id", "m2")], [new BinaryNode("enc", [("v", "2"), ("type", "pkmsg")], "text")]));
        Assert.Contains("m2", (await engine.Events.NextAsync<EngineError>()).Context, StringComparison.Ordinal);
        Assert.Equal("m2", (await connection.NextSentAsync())["id"]);

        connection.Push(new BinaryNode("iq", [("id", "still-there"), ("type", "get"), ("xmlns", "urn:xmpp:ping")]));
        Assert.Equal("still-there", (await connection.NextSentAsync())["id"]);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}

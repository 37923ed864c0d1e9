using Microsoft.Extensions.Time.Testing;
using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Core.Usync;
using WaCluster.Engine.Tests.Support;
using WaCluster.Engine.Usync;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.Tests.Usync;

/// <summary>
/// Device lists are asked once and reused until they expire, a devices notification or a retry receipt from the user
/// drops them; a listed LID becomes a contacts.upsert once.
/// </summary>
public sealed class DeviceListCacheTests
{
    private static readonly Jid Bob = Jid.Parse("15550002222@s.whatsapp.net");

    [Fact]
    public void Entries_expire_after_their_lifetime_and_can_be_dropped()
    {
        var time = new FakeTimeProvider();
        var cache = new DeviceListCache(time, TimeSpan.FromMinutes(5), capacity: 2);
        cache.Add(new UserDevices(Bob, null, [new UserDevice(Bob.WithDevice(3), 1, false)]));
        Assert.True(cache.TryGet(Bob.WithDevice(3), out var devices));
        Assert.Equal(Bob.WithDevice(3), Assert.Single(devices.Devices).Jid);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(cache.TryGet(Bob, out _));

        cache.Add(new UserDevices(Bob, null, []));
        cache.Invalidate(Bob.WithDevice(7));
        Assert.False(cache.TryGet(Bob, out _));

        var users = Enumerable.Range(1, 3).Select(i => Jid.Parse($"1555000000{i}@s.whatsapp.net")).ToArray();
        foreach (var user in users) cache.Add(new UserDevices(user, null, []));
        Assert.Equal([false, true, true], users.Select(u => cache.TryGet(u, out _)));
    }

    [Fact]
    public async Task The_engine_asks_once_and_again_after_a_devices_notification_or_a_retry_receipt()
    {
        var server = new ScriptedServer();
        var creds = AuthCreds.CreateNew() with { Me = new Contact("15550001111:7@s.whatsapp.net"), Account = [1] };
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), new RecordingPersister(),
            new EngineOptions(), server);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var connection = await server.NextConnectionAsync();

        Assert.Equal([Bob.WithDevice(0), Bob.WithDevice(3)], await AskAnsweringAsync(engine, connection));
        var contacts = await engine.Events.NextAsync<ContactsUpsert>();
        Assert.Equal(new ContactInfo(Bob, Lid: Jid.Parse("99001@lid")), Assert.Single(contacts.Contacts));

        // Cached: answered without a query (the next thing the engine sends is the pong to a later ping).
        Assert.Equal([Bob.WithDevice(0), Bob.WithDevice(3)], (await engine.GetDevicesAsync([Bob])).Single().Devices.Select(d => d.Jid));
        await AssertNothingSentBeforeAPingAsync(connection);

        connection.Push(new BinaryNode("notification", [("id", "d1"), ("from", Bob.ToString()), ("type", "devices")], [new BinaryNode("add")]));
        var ack = await connection.NextSentAsync();
        Assert.Equal(("ack", "d1"), (ack.Tag, ack["id"]));
        Assert.Equal([Bob.WithDevice(0), Bob.WithDevice(3)], await AskAnsweringAsync(engine, connection));

        connection.Push(new BinaryNode("receipt", [("id", "unknown"), ("from", Bob.WithDevice(3).ToString()), ("type", "retry")], [new BinaryNode("retry", [("count", "1")])]));
        Assert.Equal("ack", (await connection.NextSentAsync()).Tag);
        Assert.Equal([Bob.WithDevice(0), Bob.WithDevice(3)], await AskAnsweringAsync(engine, connection));
        // The LID was announced once: nothing new came since.
        var later = new List<EngineEvent>();
        while (engine.Events.TryRead(out var next)) later.Add(next);
        Assert.DoesNotContain(later, e => e is ContactsUpsert);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    // Asks for Bob's devices and answers the usync query the engine must send for it.
    private static async Task<Jid[]> AskAnsweringAsync(AccountEngine engine, ScriptedConnection connection)
    {
        var ask = engine.GetDevicesAsync([Bob]);
        var query = await connection.NextSentAsync();
        Assert.Equal(("iq", "usync"), (query.Tag, query["xmlns"]));
        Assert.Equal(Bob.ToString(), Assert.Single(query.RequireChild("usync").RequireChild("list").GetChildren("user"))["jid"]);
        connection.Push(new BinaryNode("iq", [("from", "s.whatsapp.net"), ("type", "result"), ("id", query["id"])],
        [
            new BinaryNode("usync", [], [new BinaryNode("list", [],
            [
                new BinaryNode("user", [("jid", Bob.ToString())],
                [
                    new BinaryNode("devices", [], [new BinaryNode("device-list", [],
                        [new BinaryNode("device", [("id", "0")]), new BinaryNode("device", [("id", "3"), ("key-index", "1")])])]),
                    new BinaryNode("lid", [("val", "99001@lid")]),
                ]),
            ])]),
        ]));
        return (await ask).Single().Devices.Select(d => d.Jid).ToArray();
    }

    private static async Task AssertNothingSentBeforeAPingAsync(ScriptedConnection connection)
    {
        connection.Push(new BinaryNode("iq", [("id", "probe"), ("from", "s.whatsapp.net"), ("type", "get"), ("xmlns", "urn:xmpp:ping")]));
        Assert.Equal("probe", (await connection.NextSentAsync())["id"]);
    }
}

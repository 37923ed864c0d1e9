using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Core.Store;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.Tests.Lid;

/// <summary>
/// A malformed sender_pn, a pair that contradicts the one the account knows, and a devices notification with a bad
/// lid: each is a typed EngineError, the stanza is still handled and acked, and the stored map is unchanged.
/// </summary>
[Trait("Proof", "engine-lid")]
public sealed class LidBadInputTests
{
    private static readonly Jid KnownPn = Jid.Parse("15550040001@s.whatsapp.net");
    private static readonly Jid KnownLid = Jid.Parse("240000000000001@lid");

    [Fact]
    public async Task Bad_or_conflicting_pairs_are_reported_the_stanzas_acked_and_nothing_stored_changes()
    {
        var known = new AccountDataTransaction(new AccountData());
        LidMappings.Learn(known, KnownPn, KnownLid);
        var data = AccountData.From([known.ToChange()]);
        var server = new ScriptedServer();
        var persister = new RecordingPersister();
        var creds = AuthCreds.CreateNew() with { Me = new Contact("15550001111:7@s.whatsapp.net", "240000000000777:7@lid"), Account = [1] };
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), persister,
            new EngineOptions(), server, data: data);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var connection = await server.NextConnectionAsync();

        connection.Push(Message("m1", ("from", "240000000000002:3@lid"), ("sender_pn", "@s.whatsapp.net")));
        var malformed = await engine.Events.NextAsync<EngineError>(e => e.Context == "message m1");
        Assert.IsAssignableFrom<LidMappingException>(malformed.Error);
        await AckedAsync(connection, "m1");

        connection.Push(Message("m2", ("from", "15550040001:3@s.whatsapp.net"), ("sender_lid", "240000000000999:3@lid")));
        var conflict = await engine.Events.NextAsync<EngineError>(e => e.Context == "message m2" && e.Error is LidMappingException);
        Assert.IsType<LidMappingConflictException>(conflict.Error);
        await AckedAsync(connection, "m2");

        connection.Push(new BinaryNode("notification", [("id", "n1"), ("from", "15550040003@s.whatsapp.net"), ("type", "devices")],
            [new BinaryNode("add", [], [new BinaryNode("device", [("jid", "15550040003:2@s.whatsapp.net"), ("lid", "15550040003:2@s.whatsapp.net")])])]));
        var badDevice = await engine.Events.NextAsync<EngineError>(e => e.Context == "devices notification n1");
        Assert.IsAssignableFrom<LidMappingException>(badDevice.Error);
        await AckedAsync(connection, "n1");

        // Stored: only the pair known before, unchanged; no change carried account data.
        Assert.Equal(2, data.Entries(LidMappings.Kind).Count);
        Assert.Equal(KnownLid, new LidMappings(data).LidOf(KnownPn));
        Assert.Equal(KnownPn, new LidMappings(data).PnOf(KnownLid));
        Assert.All(persister.Changes, change => Assert.Null(change.Data));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    // A message whose ciphertext does not decrypt either (no session): it is still acked after its retry receipt.
    private static BinaryNode Message(string id, params NodeAttribute[] attributes) =>
        new("message", [("id", id), ("type", "text"), .. attributes], [new BinaryNode("enc", [("v", "2"), ("type", "msg")], (ReadOnlyMemory<byte>)new byte[] { 3, 1, 2 })]);

    private static async Task AckedAsync(ScriptedConnection connection, string id)
    {
        while (true)
        {
            var sent = await connection.NextSentAsync();
            if (sent.Tag == "ack" && sent["id"] == id) return;
        }
    }
}

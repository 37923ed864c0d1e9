using WaCluster.Core;
using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Core.Groups;
using WaCluster.Core.Store;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.Tests.Groups;

/// <summary>
/// A LID group's create notification as WhatsApp sends it to an added member: the group is announced as joined with
/// every member in both forms, and each member's PN-LID pair is persisted before the ack. A malformed phone number or
/// a pair contradicting a known one is an EngineError: acked, no event, nothing stored.
/// </summary>
[Trait("Proof", "engine-lid")]
public sealed class LidGroupNotificationTests
{
    private const string Group = "120363000000000042@g.us";
    private const string Adder = "90000000000011@lid";
    private const string AdderPn = "15550002222@s.whatsapp.net";

    [Fact]
    public async Task A_create_notification_for_a_group_we_were_added_to_is_a_joined_group_and_teaches_every_members_pair()
    {
        await using var run = await EngineRun.StartAsync(new AccountData());

        run.Connection.Push(CreateNotification("n1", ("90000000000011@lid", AdderPn, "superadmin"), ("90000000000099@lid", "15550001111@s.whatsapp.net", null)));

        var joined = await run.Engine.Events.NextAsync<GroupJoined>();
        Assert.Equal((Jid.Parse(Group), GroupAddressingMode.Lid, "crew"), (joined.Group.Id, joined.Group.AddressingMode, joined.Group.Subject));
        Assert.Equal((Jid.Parse(Adder), Jid.Parse(AdderPn)), (joined.Author, joined.AuthorPn));
        Assert.Equal(
            [("90000000000011@lid", AdderPn, "superadmin"), ("90000000000099@lid", "15550001111@s.whatsapp.net", null)],
            joined.Group.Participants.Select(p => (p.Jid.ToString(), p.PhoneNumber?.ToString(), p.Admin)));
        var ack = await run.Connection.NextSentAsync();
        Assert.Equal(("ack", "n1"), (ack.Tag, ack["id"]));
        var learned = Assert.Single(run.Persister.Changes, c => c.Data is not null);
        var map = new LidMappings(AccountData.From([learned.Data!]));
        Assert.Equal(Jid.Parse("90000000000099@lid"), map.LidOf(Jid.Parse("15550001111@s.whatsapp.net")));
        Assert.Equal(Jid.Parse(AdderPn), map.PnOf(Jid.Parse(Adder)));
        Assert.Equal(Jid.Parse(AdderPn), new LidMappings(run.Engine.Data).PnOf(Jid.Parse(Adder)));
    }

    [Fact]
    public async Task A_malformed_phone_number_or_a_conflicting_pair_is_an_error_that_is_acked_and_stores_nothing()
    {
        // The account already knows the adder's pair.
        var known = new AccountData();
        var seed = new AccountDataTransaction(known);
        LidMappings.Learn(seed, Jid.Parse(AdderPn), Jid.Parse(Adder));
        known.Apply(seed.ToChange());
        await using var run = await EngineRun.StartAsync(known);

        BinaryNode[] bad =
        [
            CreateNotification("n1", (Adder, AdderPn, "superadmin"), ("90000000000099@lid", "not-a-number@lid", null)),
            CreateNotification("n2", (Adder, AdderPn, "superadmin"), ("90000000000099@lid", "garbage", null)),
            // The adder's phone number now given to another LID, at creation and in a member change.
            CreateNotification("n3", (Adder, AdderPn, "superadmin"), ("90000000000077@lid", AdderPn, null)),
            new("notification", [("id", "n4"), ("from", Group), ("type", "w:gp2"), ("participant", Adder), ("participant_pn", AdderPn)],
                [new BinaryNode("add", [], [new BinaryNode("participant", [("jid", "90000000000066@lid"), ("phone_number", AdderPn)])])]),
        ];
        var errors = new List<Exception>();
        foreach (var stanza in bad)
        {
            run.Connection.Push(stanza);
            var reported = await run.Engine.Events.NextAsync<EngineEvent>(e => e is EngineError or GroupJoined or GroupsUpsert or GroupParticipantsUpdate);
            var error = Assert.IsType<EngineError>(reported);
            Assert.Contains(stanza["id"]!, error.Context, StringComparison.Ordinal);
            errors.Add(error.Error);
            var ack = await run.Connection.NextSentAsync();
            Assert.Equal(("ack", stanza["id"]), (ack.Tag, ack["id"]));
        }
        Assert.All(errors.Take(2), e => Assert.IsAssignableFrom<EngineException>(e));
        Assert.All(errors.Skip(2), e => Assert.IsType<LidMappingConflictException>(e));

        // A good notification after them is still handled, and only it persists anything.
        run.Connection.Push(CreateNotification("n5", (Adder, AdderPn, "superadmin"), ("90000000000099@lid", "15550001111@s.whatsapp.net", null)));
        await run.Engine.Events.NextAsync<GroupJoined>();
        var goodAck = await run.Connection.NextSentAsync();
        Assert.Equal(("ack", "n5"), (goodAck.Tag, goodAck["id"]));
        var stored = Assert.Single(run.Persister.Changes, c => c.Data is not null);
        Assert.Equal(2, stored.Data!.Entries.Count); // the new member's pair, both ways; the known one is not written again
        var map = new LidMappings(run.Engine.Data);
        Assert.Equal(Jid.Parse(Adder), map.LidOf(Jid.Parse(AdderPn)));
        Assert.Null(map.PnOf(Jid.Parse("90000000000077@lid")));
        Assert.Null(map.PnOf(Jid.Parse("90000000000066@lid")));
    }

    private static BinaryNode CreateNotification(string id, params (string Jid, string PhoneNumber, string? Rank)[] members) =>
        new("notification", [("id", id), ("from", Group), ("type", "w:gp2"), ("participant", Adder), ("participant_pn", AdderPn)],
        [
            new BinaryNode("create", [],
            [
                new BinaryNode("group", [("id", Group.Split('@')[0]), ("subject", "crew"), ("creator", Adder), ("creation", "1700000000"), ("addressing_mode", "lid")],
                    members.Select(m => new BinaryNode("participant", [("jid", m.Jid), ("phone_number", m.PhoneNumber), ("type", m.Rank)])).ToArray()),
            ]),
        ]);

    /// <summary>A running engine paired as 15550001111 (LID 90000000000099) over a scripted server.</summary>
    private sealed class EngineRun : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _run = Task.CompletedTask;

        public required AccountEngine Engine { get; init; }
        public required RecordingPersister Persister { get; init; }
        public ScriptedConnection Connection { get; private set; } = null!;

        public static async Task<EngineRun> StartAsync(AccountData data)
        {
            var server = new ScriptedServer();
            var creds = AuthCreds.CreateNew() with { Me = new Contact("15550001111:7@s.whatsapp.net", "90000000000099:7@lid"), Account = [1] };
            var persister = new RecordingPersister();
            var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), persister,
                new EngineOptions(), server, data: data);
            var run = new EngineRun { Engine = engine, Persister = persister };
            run._run = engine.RunAsync(run._stop.Token);
            run.Connection = await server.NextConnectionAsync();
            return run;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
            _stop.Dispose();
        }
    }
}

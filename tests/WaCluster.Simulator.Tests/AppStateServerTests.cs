using System.Globalization;
using Google.Protobuf;
using WaCluster.Core.AppState;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Proto;
using WaCluster.Simulator.AppState;
using static WaCluster.Protocol.Proto.SyncdMutation.Types;

namespace WaCluster.Simulator.Tests;

/// <summary>
/// The app state server against a raw companion: malformed sync iqs, unknown collections, wrong versions and garbage
/// patches get typed errors and change nothing; a well-formed patch is stored with its version and served back; long
/// histories are paged with has_more_patches.
/// </summary>
[Trait("Proof", "sim-sync")]
public sealed class AppStateServerTests : IAsyncLifetime
{
    // 120 contacts written one per patch, and no labels: "regular" starts empty.
    private static readonly AppStateSeed Seed = new() { Contacts = 120, ArchivedChats = 1, PinnedChats = 0, MutedChats = 0, Labels = 0, MutationsPerPatch = 1 };
    private SimulatorHost _host = null!;
    private RawChatClient _client = null!;
    private AccountInfo _account = null!;
    private int _nextId;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(new SimulatorOptions { AppStateSeed = Seed });
        (_client, _account) = await RawCompanion.LinkAndLoginAsync(_host);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _host.DisposeAsync();
    }

    public static TheoryData<string, string, int> MalformedIqs() => new()
    {
        { "get", "<collection name='regular' version='0'/>", 400 }, // sync is a set
        { "set", "", 400 }, // no collection
        { "set", "<collection version='0'/>", 400 }, // no name
        { "set", "<collection name='regular_mid' version='0'/>", 404 }, // no such collection
        { "set", "<collection name='regular' version='x'/>", 400 },
        { "set", "<collection name='regular' version='-1'/>", 400 },
        { "set", "<collection name='regular' version='0'/><collection name='regular' version='0'/>", 400 },
        { "set", "<collection name='regular' version='0'><patch>garbage</patch></collection><collection name='nope'/>", 404 },
    };

    [Theory]
    [MemberData(nameof(MalformedIqs))]
    public async Task A_malformed_sync_iq_gets_an_error_iq_and_changes_nothing(string type, string collections, int code)
    {
        var before = Versions();
        var answer = await SyncAsync(Collections(collections), type);
        Assert.Equal("error", answer["type"]);
        Assert.Equal(code.ToString(CultureInfo.InvariantCulture), answer.GetChild("error")?["code"]);
        Assert.Equal(before, Versions());
        await AssertStillServedAsync();
    }

    [Fact]
    public async Task Garbage_truncated_skipping_and_stale_patches_are_refused_per_collection_and_change_nothing()
    {
        var before = Versions();
        var current = before["regular_low"];
        var wellFormed = NextPatch("regular_low", current);
        var truncated = wellFormed.Clone();
        truncated.Mutations[0].Record.Index.Blob = ByteString.CopyFrom(new byte[5]);
        var noMacs = wellFormed.Clone();
        noMacs.ClearSnapshotMac();
        var skipping = wellFormed.Clone();
        skipping.Version = new SyncdVersion { Version = current + 2 };

        foreach (var (version, patch) in new[]
        {
            (current, "not a patch"u8.ToArray()), (current, truncated.ToByteArray()), (current, noMacs.ToByteArray()),
            (current, skipping.ToByteArray()), (current + 1, wellFormed.ToByteArray()),
        })
        {
            var answer = Collection(await SyncAsync([Upload("regular_low", version, patch)]));
            Assert.Equal(("error", "400"), (answer["type"], answer.GetChild("error")?["code"]));
        }
        Assert.Equal(before, Versions());

        var stale = Collection(await SyncAsync([Upload("regular_low", current - 1, wellFormed.ToByteArray())]));
        Assert.Equal(("error", "409"), (stale["type"], stale.GetChild("error")?["code"]));
        // The conflict answer carries what the client missed: the server's latest patch.
        Assert.Equal([current], PatchesOf(stale).Select(p => p.Version.Version));
        Assert.Equal(before, Versions());
        await AssertStillServedAsync();
    }

    [Fact]
    public async Task A_well_formed_patch_is_stored_as_the_next_version_and_served_back_as_uploaded()
    {
        var patch = NextPatch("regular", 0);
        var accepted = Collection(await SyncAsync([Upload("regular", 0, patch.ToByteArray())]));
        Assert.Null(accepted["type"]);
        Assert.Equal("1", accepted["version"]);
        Assert.Equal(1UL, Versions()["regular"]);

        var served = Collection(await SyncAsync([Fetch("regular", 0)]));
        var stored = Assert.Single(PatchesOf(served));
        Assert.Equal(1UL, stored.Version.Version);
        stored.Version = null;
        Assert.Equal(patch, stored);
    }

    [Fact]
    public async Task A_long_history_is_served_in_pages_with_has_more_patches()
    {
        var total = Versions()["critical_unblock_low"];
        Assert.Equal((ulong)Seed.Contacts, total);
        var pages = new List<(ulong[] Versions, string? HasMore)>();
        ulong from = 0;
        while (pages.Count < 5)
        {
            var page = Collection(await SyncAsync([Fetch("critical_unblock_low", from)]));
            var versions = PatchesOf(page).Select(p => p.Version.Version).ToArray();
            pages.Add((versions, page["has_more_patches"]));
            if (page["has_more_patches"] != "true") break;
            from = versions[^1];
        }
        Assert.Equal([AppStateIq.PatchesPerAnswer, AppStateIq.PatchesPerAnswer, Seed.Contacts - 2 * AppStateIq.PatchesPerAnswer], pages.Select(p => p.Versions.Length));
        Assert.Equal(["true", "true", "false"], pages.Select(p => p.HasMore));
        Assert.Equal(Enumerable.Range(1, Seed.Contacts).Select(v => (ulong)v), pages.SelectMany(p => p.Versions));
    }

    // The next patch of a collection, MACed with the phone's key on the collection as the phone last wrote it.
    private SyncdPatch NextPatch(string name, ulong version)
    {
        lock (_host.Simulator.Gate)
        {
            var phone = _host.Simulator.AppStateOf(_host.Simulator.Directory.FindByPhone(_account.Phone)!).Phone;
            var keys = phone.Lookup(phone.KeyId)!;
            var collection = AppStateCollection.Restore(name, version, _host.Simulator.AppStateOf(_host.Simulator.Directory.FindByPhone(_account.Phone)!).Collection(name)!.Hash, System.Collections.Immutable.ImmutableDictionary<string, byte[]>.Empty);
            var data = new SyncActionData
            {
                Index = ByteString.CopyFrom(AppStateIndex.Encode(["pin_v1", "4917000000001@s.whatsapp.net"])),
                Value = new SyncActionValue { Timestamp = 1, PinAction = new() { Pinned = true } },
                Version = 5,
            };
            var patch = collection.EncodePatch([(SyncdOperation.Set, data)], phone.KeyId, keys, iv => iv.Fill(7)).Patch;
            patch.Version = null; // as Baileys sends it: the version is the collection node's plus one
            return patch;
        }
    }

    private IReadOnlyDictionary<string, ulong> Versions() => _host.Simulator.AppStateVersions(_account.Phone);

    private async Task<BinaryNode> SyncAsync(BinaryNode[] collections, string type = "set")
    {
        var id = "sync" + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        await _client.SendNodeAsync(new BinaryNode("iq", [("id", id), ("to", "s.whatsapp.net"), ("type", type), ("xmlns", "w:sync:app:state")],
            [collections.Length == 0 ? new BinaryNode("sync", []) : new BinaryNode("sync", [], collections)]));
        return await _client.ReceiveUntilAsync(n => n.Tag == "iq" && n["id"] == id) ?? throw new InvalidOperationException("no answer");
    }

    private static BinaryNode Collection(BinaryNode answer)
    {
        Assert.Equal("result", answer["type"]);
        return Assert.Single(answer.RequireChild("sync").GetChildren("collection"));
    }

    private static IEnumerable<SyncdPatch> PatchesOf(BinaryNode collection) =>
        collection.GetChild("patches")?.GetChildren("patch").Select(p => SyncdPatch.Parser.ParseFrom(p.Bytes.Span)) ?? [];

    private static BinaryNode Fetch(string name, ulong version) =>
        new("collection", [("name", name), ("version", version.ToString(CultureInfo.InvariantCulture)), ("return_snapshot", "false")]);

    private static BinaryNode Upload(string name, ulong version, byte[] patch) =>
        new("collection", [("name", name), ("version", version.ToString(CultureInfo.InvariantCulture)), ("return_snapshot", "false")],
            [new BinaryNode("patch", [], patch)]);

    // A tiny notation for the theory rows: <collection a='b'/> elements, optionally with a <patch>text</patch> child.
    private static BinaryNode[] Collections(string text) =>
        [.. System.Xml.Linq.XElement.Parse("<sync>" + text + "</sync>").Elements().Select(e => e.Element("patch") is { } patch
            ? new BinaryNode(e.Name.LocalName, [.. e.Attributes().Select(a => (NodeAttribute)(a.Name.LocalName, a.Value))], [new BinaryNode("patch", [], System.Text.Encoding.UTF8.GetBytes(patch.Value))])
            : new BinaryNode(e.Name.LocalName, [.. e.Attributes().Select(a => (NodeAttribute)(a.Name.LocalName, a.Value))]))];

    private async Task AssertStillServedAsync()
    {
        await _client.SendNodeAsync(new BinaryNode("iq", [("id", "alive"), ("to", "s.whatsapp.net"), ("type", "get"), ("xmlns", "w:p")], [new BinaryNode("ping")]));
        Assert.Equal("result", (await _client.ReceiveUntilAsync(n => n["id"] == "alive"))?["type"]);
    }
}

/// <summary>The CLI form of the app state seed.</summary>
[Trait("Proof", "sim-sync")]
public sealed class AppStateSeedTests
{
    [Fact]
    public void The_seed_reads_five_counts_and_refuses_anything_else()
    {
        Assert.Equal(new AppStateSeed { Contacts = 500, ArchivedChats = 20, PinnedChats = 3, MutedChats = 10, Labels = 5 }, AppStateSeed.Parse("500,20,3,10,5"));
        Assert.All(new[] { "", "1,2,3,4", "1,2,3,4,5,6", "1,2,-3,4,5", "a,2,3,4,5", "1, 2,3,4,5" },
            text => Assert.Throws<ArgumentException>(() => AppStateSeed.Parse(text)));
    }
}

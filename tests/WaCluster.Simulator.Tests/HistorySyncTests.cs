using WaCluster.TestSupport;

namespace WaCluster.Simulator.Tests;

/// <summary>
/// A seeded phone sends a newly linked Baileys client its history: Baileys downloads, decrypts and inflates every chunk
/// in its own history path and announces what it read (messaging-history.set).
/// </summary>
[Trait("Proof", "sim-sync")]
public sealed class HistorySyncTests : IAsyncLifetime
{
    /// <summary>About one chat per twenty messages: hundreds of chats, thousands of messages.</summary>
    private const int SeededMessages = 5_000;

    private const int InitialBootstrap = 0;
    private const int Full = 2;
    private const int Recent = 3;
    private const int PushName = 4;
    private const int NonBlockingData = 5;

    private SimulatorHost _host = null!;
    private NodeHarness _node = null!;
    private readonly HttpClient _http = new();
    private BaileysPeers _peers = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 7, HistoryMessages = SeededMessages, HistoryChunkMessages = 500 });
        _node = await NodeHarness.StartAsync();
        _peers = new BaileysPeers(_host, _node, _http);
        await _node.CallAsync("sim.history.mediaHost", new { host = _host.Simulator.MediaHostName }, BaileysPeers.Slow);
    }

    public async Task DisposeAsync()
    {
        await _node.CallAsync("sim.stopAll", timeout: BaileysPeers.Slow);
        await _node.DisposeAsync();
        await _host.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task A_client_asking_for_the_recent_window_gets_every_chat_and_the_recent_messages_in_ordered_chunks()
    {
        var account = await _peers.PairAsync("recent", history: new { full = false });
        var got = await _peers.CallAsync<HistoryResult>("sim.history.wait", new { id = "recent", syncTypes = new[] { InitialBootstrap, Recent, PushName, NonBlockingData } });

        var all = _host.Simulator.HistorySent(account.Phone, full: true);
        Assert.Equal(SeededMessages / 20, got.Chats);
        Assert.Equal(_host.Simulator.HistorySent(account.Phone, full: false), new HistoryCounts(got.Chats, got.Contacts, got.Messages));
        // The window holds back older messages: fewer than the phone has, yet thousands.
        Assert.InRange(got.Messages, 1_000, all.Messages - 1);
        Assert.DoesNotContain(got.Sets, s => s.SyncType == Full);
        AssertOrderedWithProgress(got.Sets, Recent);
    }

    [Fact]
    public async Task A_client_asking_for_full_history_gets_every_seeded_message()
    {
        var account = await _peers.PairAsync("full", history: new { full = true });
        var got = await _peers.CallAsync<HistoryResult>("sim.history.wait", new { id = "full", syncTypes = new[] { InitialBootstrap, Full, Recent, PushName, NonBlockingData } });

        Assert.Equal(SeededMessages, got.Messages);
        Assert.Equal(SeededMessages / 20, got.Chats);
        Assert.Equal(_host.Simulator.HistorySent(account.Phone, full: true), new HistoryCounts(got.Chats, got.Contacts, got.Messages));
        // Contacts: every chat and every group member with a push name, more than the chats alone.
        Assert.True(got.Contacts > got.Chats, $"{got.Contacts} contacts for {got.Chats} chats");
        AssertOrderedWithProgress(got.Sets, Full);
    }

    // Chunks of a type are numbered from 1, their progress rising with their order to 100.
    private static void AssertOrderedWithProgress(HistorySet[] sets, int syncType)
    {
        var chunks = sets.Where(s => s.SyncType == syncType).OrderBy(s => s.ChunkOrder).ToArray();
        Assert.True(chunks.Length > 1, $"{chunks.Length} chunks of type {syncType}");
        Assert.Equal(Enumerable.Range(1, chunks.Length), chunks.Select(c => c.ChunkOrder ?? 0));
        Assert.Equal(chunks.Select(c => c.Progress ?? 0).Order(), chunks.Select(c => c.Progress ?? 0));
        Assert.Equal(100, chunks[^1].Progress);
    }

    private sealed record HistoryResult(HistorySet[] Sets, int Chats, int Contacts, int Messages);

    private sealed record HistorySet(int SyncType, int? Progress, int? ChunkOrder, int Chats, int Contacts, int Messages);
}

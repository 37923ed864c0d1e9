using System.Security.Cryptography;
using Google.Protobuf;
using WaCluster.Core.Events;
using WaCluster.Core.History;
using WaCluster.Engine.Media;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Media;
using WaCluster.Protocol.Proto;
using WaCluster.TestSupport;
using SyncType = WaCluster.Protocol.Proto.HistorySync.Types.HistorySyncType;

namespace WaCluster.Engine.Tests.History;

/// <summary>
/// Our engine linked to a seeded phone reads the history chunks the phone sends (download, MAC, inflate, parse), as an
/// unmodified Baileys client linked to the same phone reads them; progress is persisted, so a restarted engine
/// processes no chunk twice; broken chunks are typed errors that store nothing.
/// </summary>
[Trait("Proof", "engine-sync")]
public sealed class HistorySyncTests() : SimulatorConversationTest(seed: 23, historyMessages: 3_000)
{
    // Recent-window history: every type but FULL.
    private static readonly SyncType[] RecentTypes = [SyncType.InitialBootstrap, SyncType.Recent, SyncType.PushName, SyncType.NonBlockingData];

    private EngineOptions HistoryOptions() => OptionsForSimulator() with { MediaCertificateValidator = MediaTls.Pinned(Host.Certificate) };

    [Fact]
    public async Task Our_engine_reports_the_same_chats_contacts_and_messages_as_Baileys_and_receipts_every_chunk()
    {
        const string phone = "15550009101";
        await Node.CallAsync("sim.history.mediaHost", new { host = Host.Simulator.MediaHostName }, Slow);
        await StartBaileysAsync("hist-baileys", phone, history: new { full = false });
        var baileys = await Node.CallAsync<BaileysHistory>("sim.history.wait", new { id = "hist-baileys", syncTypes = RecentTypes.Select(t => (int)t) }, Slow);
        var journal = new JournalPersister();
        var paired = await PairEngineAsync(phone, journal, HistoryOptions());
        var ours = await CompleteHistoryAsync(paired.Engine, RecentTypes);

        Assert.Equal((baileys.Chats, baileys.Contacts, baileys.Messages), Distinct(ours));
        // The recent window: hundreds of messages, not all the phone has.
        Assert.InRange(ours.Sum(c => c.Messages.Count), 500, 2_999);
        // Every chunk receipted as processed (hist_sync) by both companions, as Baileys receipts them.
        await Eventually.UntilAsync(() => Host.Simulator.HistorySyncReceipts(phone) == 2 * ours.Count, Slow, "hist_sync receipts of both companions");
        // Progress went to the journal with the chunks: one entry per chunk.
        Assert.Equal(ours.Count, HistoryProgress.Processed(journal.ReplayData()).Count);
        await paired.StopAsync();
    }

    [Fact]
    public async Task An_engine_restarted_from_its_journal_processes_no_chunk_twice()
    {
        var options = HistoryOptions();
        var journal = new JournalPersister();
        var paired = await PairEngineAsync("15550009102", journal, options);
        var first = await CompleteHistoryAsync(paired.Engine, RecentTypes);
        await paired.StopAsync();

        var (creds, keys) = await journal.ReplayAsync();
        var second = new AccountEngine(creds, keys, journal, options, receivedMessageKeys: journal.ReceivedKeys, data: journal.ReplayData());
        using var stop = new CancellationTokenSource();
        var run = second.RunAsync(stop.Token);
        await second.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);
        var receipted = Host.Simulator.HistorySyncReceipts(paired.Account.Phone);

        // The phone sends every chunk again (new stanzas): each is receipted, none read or announced again.
        await Host.Simulator.SendHistoryAgainAsync(paired.Account.DeviceJid!, full: false);
        await Eventually.UntilAsync(() => Host.Simulator.HistorySyncReceipts(paired.Account.Phone) == receipted + first.Count, Slow, "receipts for the resent chunks");
        while (second.Events.TryRead(out var later))
        {
            Assert.IsNotType<HistorySynced>(later);
            Assert.IsNotType<EngineError>(later);
        }
        Assert.Equal(first.Count, HistoryProgress.Processed(journal.ReplayData()).Count);
        await stop.CancelAsync();
        await run.WaitAsync(Slow);
    }

    [Fact]
    public async Task Broken_chunks_are_typed_errors_that_store_nothing_and_keep_the_connection()
    {
        var options = HistoryOptions() with { MaxHistoryBlobBytes = 1 << 20, MaxHistoryInflatedBytes = 1 << 20 };
        var journal = new JournalPersister();
        var paired = await PairEngineAsync("15550009103", journal, options);
        await CompleteHistoryAsync(paired.Engine, RecentTypes);
        var device = paired.Account.DeviceJid!;
        var storedBefore = HistoryProgress.Processed(journal.ReplayData());

        var valid = Deflate(new HistorySync { SyncType = SyncType.OnDemand, ChunkOrder = 1, Progress = 100 });
        var broken = new (string What, Message.Types.HistorySyncNotification Notification)[]
        {
            ("bad MAC", Upload(valid, blob => blob[^1] ^= 1)),
            ("truncated", Upload(valid, truncateBy: 20)),
            ("not zlib", Upload(RandomNumberGenerator.GetBytes(300))),
            ("inflates to garbage", Upload(Deflate(RandomNumberGenerator.GetBytes(300)))),
            ("declared over the limit", WithLength(Upload(valid), 4 << 20)),
            ("delivered over the limit", WithLength(Upload(Deflate(RandomNumberGenerator.GetBytes(2 << 20))), 100)),
            ("no direct path", WithoutDirectPath(Upload(valid))),
            ("inflates past the limit", Upload(Deflate(new HistorySync { SyncType = SyncType.OnDemand, ThreadIdUserSecret = ByteString.CopyFrom(new byte[4 << 20]) }))),
        };
        for (var i = 0; i < broken.Length; i++)
        {
            var notification = broken[i].Notification;
            notification.SyncType = Message.Types.HistorySyncType.OnDemand;
            notification.PeerDataRequestSessionId = "broken";
            notification.ChunkOrder = (uint)(i + 1);
            await Host.Simulator.PhoneSendPeerMessageAsync(device, Notify(notification));
            var error = await paired.Engine.Events.NextAsync<EngineError>(seconds: 30);
            Assert.True(error.Error is HistorySyncException, $"{broken[i].What}: {error.Error}");
        }
        // The connection still serves: a sound chunk after them is read and stored, and only it.
        var sound = Upload(valid);
        sound.SyncType = Message.Types.HistorySyncType.OnDemand;
        sound.PeerDataRequestSessionId = "sound";
        sound.ChunkOrder = 1;
        await Host.Simulator.PhoneSendPeerMessageAsync(device, Notify(sound));
        var read = await paired.Engine.Events.NextAsync<EngineEvent>(e => e is HistorySynced or EngineError, seconds: 30);
        Assert.Equal(SyncType.OnDemand, Assert.IsType<HistorySynced>(read).SyncType);
        Assert.Equal([.. storedBefore, "OnDemand/sound/1"], HistoryProgress.Processed(journal.ReplayData()));
        // Every stanza, the broken ones included, was acked.
        await Eventually.UntilAsync(() => Host.Simulator.PendingCounts()[device] == 0, Slow, "acks for every notification");
        await paired.StopAsync();
    }

    /// <summary>Reads HistorySynced events until every chunk of each type came (the one at 100% and all orders below it).</summary>
    private static async Task<List<HistorySynced>> CompleteHistoryAsync(AccountEngine engine, SyncType[] types)
    {
        var chunks = new List<HistorySynced>();
        bool Complete(SyncType type)
        {
            var ofType = chunks.Where(c => c.SyncType == type).ToList();
            return ofType.FirstOrDefault(c => c.Progress == 100) is { } last && ofType.Select(c => c.ChunkOrder).Distinct().Count() == last.ChunkOrder;
        }
        while (!types.All(Complete))
        {
            var next = await engine.Events.NextAsync<EngineEvent>(e => e is HistorySynced or EngineError, seconds: 60);
            if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
            chunks.Add((HistorySynced)next);
        }
        return chunks;
    }

    private static (int Chats, int Contacts, int Messages) Distinct(List<HistorySynced> chunks) =>
        (chunks.SelectMany(c => c.Chats).Select(c => c.Id).Distinct().Count(),
         chunks.SelectMany(c => c.Contacts).Select(c => c.Id).Distinct().Count(),
         chunks.SelectMany(c => c.Messages).Select(m => m.Key.Id).Distinct().Count());

    private static byte[] Deflate(HistorySync chunk) => Deflate(chunk.ToByteArray());

    private static byte[] Deflate(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) zlib.Write(bytes);
        return output.ToArray();
    }

    // Encrypts the plaintext as a history blob, lets the test damage it, and stores it on the media host as uploaded.
    private Message.Types.HistorySyncNotification Upload(byte[] plaintext, Action<byte[]>? damage = null, int truncateBy = 0)
    {
        var mediaKey = MediaKeys.GenerateMediaKey();
        var blob = MediaEncryptor.Encrypt(plaintext, mediaKey, MediaType.History, out var encrypted);
        damage?.Invoke(blob);
        blob = blob[..^truncateBy];
        var token = Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var directPath = Host.Simulator.Media.Store("md-msg-hist", token, blob)!;
        return new Message.Types.HistorySyncNotification
        {
            DirectPath = directPath,
            MediaKey = ByteString.CopyFrom(mediaKey),
            FileSha256 = ByteString.CopyFrom(encrypted.FileSha256),
            FileEncSha256 = ByteString.CopyFrom(encrypted.FileEncSha256),
            FileLength = (ulong)encrypted.FileLength,
        };
    }

    private static Message.Types.HistorySyncNotification WithLength(Message.Types.HistorySyncNotification notification, ulong length)
    {
        notification.FileLength = length;
        return notification;
    }

    private static Message.Types.HistorySyncNotification WithoutDirectPath(Message.Types.HistorySyncNotification notification)
    {
        notification.ClearDirectPath();
        return notification;
    }

    private static Message Notify(Message.Types.HistorySyncNotification notification) => new()
    {
        ProtocolMessage = new Message.Types.ProtocolMessage { Type = Message.Types.ProtocolMessage.Types.Type.HistorySyncNotification, HistorySyncNotification = notification },
    };

    private sealed record BaileysHistory(int Chats, int Contacts, int Messages);
}

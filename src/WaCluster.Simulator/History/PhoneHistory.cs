using System.IO.Compression;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Media;
using WaCluster.Protocol.Proto;
using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.History;
using WaCluster.Simulator.Stanzas;

namespace WaCluster.Simulator;

/// <summary>What a companion is sent of its phone's history: distinct chats, contacts and messages in the sent chunks.</summary>
public sealed record HistoryCounts(int Chats, int Contacts, int Messages);

/// <summary>
/// History sync, phone side: once a companion has linked, its phone uploads the history chunks to the media host
/// (deflated <see cref="HistorySync"/> protobufs, encrypted with "md-msg-hist" media keys) and sends the companion a
/// history-sync notification per chunk, as a peer message encrypted to that device only.
/// </summary>
public sealed partial class WaSimulator
{
    // The seeded history ends when the simulator starts, so every companion of a phone is sent the same messages.
    private readonly DateTimeOffset _historyEpoch = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    /// <summary>
    /// What the phone of <paramref name="phoneNumber"/> sends a companion that asked (<paramref name="full"/>) or did not
    /// ask for full history; counted as a history-sync client counts it (contacts: chats and push names by id).
    /// </summary>
    public HistoryCounts HistorySent(string phoneNumber, bool full)
    {
        var chunks = HistoryChunks.Split(SeedHistory(phoneNumber), HistoryWindowFor(full)).ToList();
        var conversations = chunks.SelectMany(c => c.Conversations).ToList();
        var contacts = conversations.Select(c => c.Id).Concat(chunks.SelectMany(c => c.Pushnames).Select(p => p.Id)).Distinct(StringComparer.Ordinal).Count();
        return new HistoryCounts(conversations.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count(), contacts, conversations.Sum(c => c.Messages.Count));
    }

    /// <summary>
    /// The encrypted history chunks and their notifications, uploaded to the media host, as the phone of
    /// <paramref name="phoneNumber"/> would send them (for benchmarks that process the same blobs in several clients).
    /// </summary>
    public IReadOnlyList<Message> UploadHistory(string phoneNumber, bool full) =>
        [.. HistoryChunks.Split(SeedHistory(phoneNumber), HistoryWindowFor(full)).Select(UploadChunk)];

    /// <summary>How many history-sync notifications the companions of <paramref name="phoneNumber"/> receipted as processed (hist_sync).</summary>
    public int HistorySyncReceipts(string phoneNumber)
    {
        lock (Gate) return Directory.FindByPhone(phoneNumber)?.Phone.HistorySyncReceipts.Count ?? 0;
    }

    /// <summary>Sends a freshly linked companion its phone's history (nothing when the phone is seeded with none).</summary>
    internal void StartHistorySync(SimDevice device, bool requireFullSync)
    {
        if (Options.HistoryMessages <= 0) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await SendHistoryAsync(device, requireFullSync).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SimulatorException or WaCluster.Protocol.ProtocolException or WaCluster.Signal.SignalException)
            {
                LogHistoryFailed(_loggerFactory.CreateLogger<WaSimulator>(), ex, device);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "history sync to {Device} failed")]
    private static partial void LogHistoryFailed(ILogger logger, Exception exception, SimDevice device);

    /// <summary>
    /// The phone sends the companion <paramref name="deviceJid"/> its history again, as after linking (a phone
    /// re-sending chunks a companion may have processed already).
    /// </summary>
    public async Task SendHistoryAgainAsync(string deviceJid, bool full)
    {
        SimDevice device;
        lock (Gate) device = FindDevice(WaCluster.Protocol.Jids.Jid.Parse(deviceJid)) ?? throw new SimulatorException($"no linked device {deviceJid}");
        await SendHistoryAsync(device, full).ConfigureAwait(false);
    }

    /// <summary>
    /// The phone sends <paramref name="message"/> (any protocol message, e.g. a history-sync notification a test
    /// made) to its own companion <paramref name="deviceJid"/> as a peer message. Returns the stanza id.
    /// </summary>
    public async Task<string> PhoneSendPeerMessageAsync(string deviceJid, Message message)
    {
        SimDevice device;
        lock (Gate) device = FindDevice(WaCluster.Protocol.Jids.Jid.Parse(deviceJid)) ?? throw new SimulatorException($"no linked device {deviceJid}");
        return await SendPeerMessageAsync(device, message).ConfigureAwait(false);
    }

    private async Task SendHistoryAsync(SimDevice device, bool requireFullSync)
    {
        foreach (var chunk in HistoryChunks.Split(SeedHistory(device.User.PhoneNumber), HistoryWindowFor(requireFullSync)))
        {
            await SendPeerMessageAsync(device, UploadChunk(chunk)).ConfigureAwait(false);
        }
    }

    // A peer message: from the account itself (device 0), encrypted to one of its own devices only.
    private async Task<string> SendPeerMessageAsync(SimDevice device, Message message)
    {
        var user = device.User;
        var target = new PhoneSender.Target(device, PhoneSender.BundleOf(device.Keys), OwnDevice: false);
        var (_, enc) = (await PhoneSender.EncryptAsync(user.Phone, [target], user.PnJid, message, Random.Shared).ConfigureAwait(false))[0];
        lock (Gate)
        {
            var id = NewMessageId();
            var stanza = new BinaryNode("message",
            [
                ("from", user.PnJid),
                ("to", device.PnJid),
                ("id", id),
                ("t", ServerNodes.Timestamp(Now)),
                ("type", "text"),
                ("category", "peer"),
            ], [enc]);
            device.Deliver(new PendingStanza(id, "message", stanza));
            return id;
        }
    }

    private Message UploadChunk(HistorySync chunk)
    {
        using var deflated = new MemoryStream();
        using (var zlib = new ZLibStream(deflated, CompressionLevel.Fastest, leaveOpen: true)) chunk.WriteTo(zlib);
        var mediaKey = MediaKeys.GenerateMediaKey();
        var blob = MediaEncryptor.Encrypt(deflated.ToArray(), mediaKey, MediaType.History, out var encrypted);
        var directPath = Media.StoreUploaded(MediaType.History, blob);
        var oldest = chunk.Conversations.SelectMany(c => c.Messages).Select(m => (long)m.Message.MessageTimestamp).DefaultIfEmpty(0).Min();
        return new Message
        {
            ProtocolMessage = new Message.Types.ProtocolMessage
            {
                Type = Message.Types.ProtocolMessage.Types.Type.HistorySyncNotification,
                HistorySyncNotification = new Message.Types.HistorySyncNotification
                {
                    FileSha256 = ByteString.CopyFrom(encrypted.FileSha256),
                    FileEncSha256 = ByteString.CopyFrom(encrypted.FileEncSha256),
                    FileLength = (ulong)encrypted.FileLength,
                    MediaKey = ByteString.CopyFrom(mediaKey),
                    DirectPath = directPath,
                    SyncType = (Message.Types.HistorySyncType)chunk.SyncType,
                    ChunkOrder = chunk.ChunkOrder,
                    Progress = chunk.Progress,
                    OldestMsgInChunkTimestampSec = oldest,
                },
            },
        };
    }

    private SeededHistory SeedHistory(string phoneNumber) =>
        SeededHistory.Generate(Options.Seed, phoneNumber, Options.HistoryMessages, _historyEpoch);

    private HistoryWindow HistoryWindowFor(bool full) =>
        new((ulong)(_historyEpoch - Options.RecentHistory).ToUnixTimeSeconds(), full, Options.HistoryChunkMessages);
}

using WaCluster.Core.Events;
using WaCluster.Core.History;
using WaCluster.Core.Media;
using WaCluster.Core.Store;
using WaCluster.Engine.Media;
using WaCluster.Protocol.Media;
using Notification = WaCluster.Protocol.Proto.Message.Types.HistorySyncNotification;

namespace WaCluster.Engine.History;

/// <summary>
/// The history chunks a received stanza carries, read before the stanza's state change is persisted: each new one is
/// downloaded, verified, inflated and parsed, and marked processed in <see cref="Data"/>, which travels in that same
/// change; chunks processed before are skipped. Nothing is announced until the change is durable.
/// </summary>
internal sealed class HistoryChunksRead(AccountDataTransaction data, IReadOnlyList<HistorySynced> chunks, int notifications)
{
    public AccountDataTransaction Data { get; } = data;

    /// <summary>The new chunks, to announce once persisted.</summary>
    public IReadOnlyList<HistorySynced> Chunks { get; } = chunks;

    /// <summary>History notifications in the stanza, processed now or before: each is receipted (hist_sync).</summary>
    public int Notifications { get; } = notifications;
}

/// <summary>Reads history chunks for one engine: from the media host into a temporary file, then streamed through the reader.</summary>
internal sealed class HistoryDownloads(AccountEngine engine, MediaTransfer media)
{
    /// <exception cref="HistorySyncException">A chunk cannot be located, downloaded, verified, inflated or parsed.</exception>
    public async Task<HistoryChunksRead> ReadAsync(AccountDataTransaction data, IReadOnlyList<ReceivedMessage> messages, CancellationToken cancellationToken)
    {
        var chunks = new List<HistorySynced>();
        var notifications = 0;
        // Only our own phone drives history sync: a notification from anyone else is an ordinary message.
        foreach (var message in messages.Where(m => m.Key.FromMe))
        {
            if (HistoryNotifications.Of(message.Message) is not { } notification) continue;
            notifications++;
            if (HistoryProgress.IsProcessed(data, notification)) continue;
            chunks.Add(await ReadChunkAsync(notification, cancellationToken).ConfigureAwait(false));
            HistoryProgress.MarkProcessed(data, notification);
        }
        return new HistoryChunksRead(data, chunks, notifications);
    }

    private async Task<HistorySynced> ReadChunkAsync(Notification notification, CancellationToken cancellationToken)
    {
        var options = engine.Options;
        var blob = HistoryNotifications.Locate(notification, options.MaxHistoryBlobBytes);
        var path = Path.Combine(options.MediaTempDirectory ?? Path.GetTempPath(), "wacluster-history-" + Guid.NewGuid().ToString("N"));
        try
        {
            await media.DownloadToFileAsync(HistoryBlob.Type, blob.DirectPath, blob.MediaKey, blob.Checks, options.MaxHistoryBlobBytes, path, cancellationToken)
                .ConfigureAwait(false);
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 64 << 10, FileOptions.SequentialScan | FileOptions.DeleteOnClose);
            return HistorySyncReader.Read(file, options.MaxHistoryInflatedBytes);
        }
        catch (Exception ex) when (ex is MediaException or MediaTransferException)
        {
            // The download leaves no file behind when verification fails; verified plaintext deletes itself on close.
            throw new HistorySyncException($"history chunk {HistoryNotifications.Describe(notification)} could not be downloaded and verified: {ex.Message}", ex);
        }
    }
}

using WaCluster.Protocol.Media;
using WaCluster.Protocol.Proto;
using Notification = WaCluster.Protocol.Proto.Message.Types.HistorySyncNotification;

namespace WaCluster.Core.History;

/// <summary>The history-sync notifications a message carries and where their blobs are.</summary>
public static class HistoryNotifications
{
    /// <summary>The notification inside <paramref name="message"/> (a protocol message of our own phone), else null.</summary>
    public static Notification? Of(Message message) =>
        message.ProtocolMessage is { Type: Message.Types.ProtocolMessage.Types.Type.HistorySyncNotification, HistorySyncNotification: { } notification }
            ? notification
            : null;

    /// <summary>Where the chunk's encrypted blob is and how it is verified.</summary>
    /// <exception cref="HistorySyncException">No direct path or media key, or a declared size over <paramref name="maxBlobBytes"/>.</exception>
    public static HistoryBlob Locate(Notification notification, long maxBlobBytes)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (!notification.HasDirectPath || !notification.DirectPath.StartsWith('/'))
        {
            throw new HistorySyncException($"history notification {Describe(notification)} has no direct path");
        }
        if (notification.MediaKey.Length != 32) throw new HistorySyncException($"history notification {Describe(notification)} has no 32-byte media key");
        if (notification.FileLength > (ulong)maxBlobBytes)
        {
            throw new HistorySyncException($"history chunk {Describe(notification)} declares {notification.FileLength} bytes, over the limit of {maxBlobBytes}");
        }
        var checks = new MediaChecks(
            notification.FileEncSha256.Length == 32 ? notification.FileEncSha256.ToByteArray() : null,
            notification.FileSha256.Length == 32 ? notification.FileSha256.ToByteArray() : null);
        return new HistoryBlob(notification.DirectPath, notification.MediaKey.ToByteArray(), checks);
    }

    public static string Describe(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return $"{notification.SyncType} #{notification.ChunkOrder}";
    }
}

/// <summary>A history chunk's blob on the media host: its direct path, the media key ("md-msg-hist") and the hashes to check.</summary>
public sealed record HistoryBlob(string DirectPath, byte[] MediaKey, MediaChecks Checks)
{
    public static MediaType Type => MediaType.History;

    public override string ToString() => $"HistoryBlob({DirectPath})";
}

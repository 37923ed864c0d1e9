using System.Buffers.Binary;
using WaCluster.Core.Store;
using Notification = WaCluster.Protocol.Proto.Message.Types.HistorySyncNotification;

namespace WaCluster.Core.History;

/// <summary>
/// Which history chunks the account has processed, in its account data: one entry per chunk (by sync type and chunk
/// order, on-demand chunks also by their request), written with the state change that persists the chunk's
/// notification, so a chunk redelivered after a restart or failover is receipted but neither processed nor announced twice.
/// </summary>
public static class HistoryProgress
{
    public const string Kind = "history-sync";

    public static bool IsProcessed(IAccountDataReader data, Notification notification)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.TryGet(Kind, KeyOf(notification), out _);
    }

    /// <summary>Stages the chunk as processed, with the progress it reported.</summary>
    public static void MarkProcessed(AccountDataTransaction transaction, Notification notification)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var progress = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(progress, notification.Progress);
        transaction.Set(Kind, KeyOf(notification), progress);
    }

    /// <summary>The processed chunks' keys ("RECENT/3", "ON_DEMAND/session/1").</summary>
    public static IReadOnlyList<string> Processed(AccountData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return [.. data.Entries(Kind).Select(e => e.Key)];
    }

    private static string KeyOf(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var type = notification.SyncType.ToString();
        return notification.SyncType == WaCluster.Protocol.Proto.Message.Types.HistorySyncType.OnDemand
            ? $"{type}/{notification.PeerDataRequestSessionId}/{notification.ChunkOrder}"
            : $"{type}/{notification.ChunkOrder}";
    }
}

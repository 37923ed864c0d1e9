using System.Collections.Concurrent;
using WaCluster.Engine.Connection;
using WaCluster.Engine.Keys;
using WaCluster.Engine.Messaging;
using WaCluster.Protocol.Binary;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine;

public sealed partial class AccountEngine
{
    /// <summary>WhatsApp gives up on a message after this many retry receipts.</summary>
    private const int MaxRetryCount = 5;

    // Retries asked per failed message ("sender|id"); in memory like Baileys' retry counter cache.
    private readonly ConcurrentDictionary<string, int> _retryCounts = new();

    /// <summary>
    /// Asks the sender to encrypt a message again. A fresh pre-key (persisted first) rides along from the second
    /// attempt on, or at once when we hold no session with the sender, so the resend can start a new session.
    /// Called under the Signal lock.
    /// </summary>
    private async Task RequestRetryAsync(ConnectionSession session, BinaryNode stanza, CancellationToken cancellationToken)
    {
        var sender = stanza.GetJid("participant") ?? stanza.GetJid("from");
        if (sender is not { } device || device.IsGroup) return;
        var key = device + "|" + stanza.GetAttribute("id");
        var count = _retryCounts.AddOrUpdate(key, 1, (_, previous) => previous + 1);
        if (count > MaxRetryCount) return;
        var hasSession = await new SessionCipher(_keys, SignalAddresses.Of(device)).HasOpenSessionAsync().ConfigureAwait(false);
        Signal.Keys.PreKeyRecord? fresh = null;
        if (count > 1 || !hasSession)
        {
            var batch = PreKeyUpload.Prepare(Creds, 1);
            fresh = batch.PreKeys[0];
            var transaction = new SignalStoreTransaction(_keys);
            await transaction.StorePreKeyAsync(fresh).ConfigureAwait(false);
            await CommitAsync("retry pre-key", batch.Creds, transaction, cancellationToken).ConfigureAwait(false);
        }
        await session.SendAsync(RetryReceipts.Build(stanza, Creds, count, fresh), cancellationToken).ConfigureAwait(false);
    }
}

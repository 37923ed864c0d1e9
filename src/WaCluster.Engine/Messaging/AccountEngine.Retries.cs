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

    private RecentSentMessages? _recentSent;

    private RecentSentMessages RecentSent => LazyInitializer.EnsureInitialized(ref _recentSent, () => new RecentSentMessages(_time));

    /// <summary>
    /// A peer could not decrypt a 1:1 message we sent: start a session from the bundle it sent (or a fetched one) and
    /// send that device the same message again, same id, with the retry count. Unknown or expired messages are not resent.
    /// </summary>
    internal async Task OnRetryReceiptAsync(ConnectionSession session, BinaryNode receipt, CancellationToken cancellationToken)
    {
        await session.SendAsync(StanzaAcks.For(receipt, Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
        var id = receipt.GetAttribute("id");
        if (id is null || receipt.GetJid("from") is not { } from || from.IsGroup || Creds.Me is not { } contact) return;
        if (!RecentSent.TryGet(from, id, out var message)) return;
        var me = Protocol.Jids.Jid.Parse(contact.Id);
        var count = receipt.GetChild("retry")?.GetAttribute("count") ?? "1";
        await _signalLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = new SignalStoreTransaction(_keys);
            var address = SignalAddresses.Of(from);
            if (KeyBundles.FromRetryReceipt(receipt) is { } bundle)
            {
                await new SessionBuilder(transaction, address).ProcessBundleAsync(bundle).ConfigureAwait(false);
            }
            else if (!await new SessionCipher(transaction, address).HasOpenSessionAsync().ConfigureAwait(false))
            {
                var fetched = KeyBundles.Parse(await session.QueryAsync(q => KeyBundles.Query(q, [from]), null, cancellationToken).ConfigureAwait(false));
                if (!fetched.TryGetValue(from, out var fresh)) return;
                await new SessionBuilder(transaction, address).ProcessBundleAsync(fresh).ConfigureAwait(false);
            }
            // Our other devices only ever got the device-sent copy; the chat is not known here, so they are not resent to.
            if (from.IsSameUser(me)) return;
            var encrypted = await new SessionCipher(transaction, address).EncryptAsync(MessagePadding.Pad(Google.Protobuf.MessageExtensions.ToByteArray(message)))
                .ConfigureAwait(false);
            var content = new List<BinaryNode>
            {
                new("enc", [("v", "2"), ("type", encrypted.WireType), ("count", count)], (ReadOnlyMemory<byte>)encrypted.Body),
            };
            if (encrypted.Type == Signal.Messages.SignalMessageType.PreKey && Creds.Account is { } account)
            {
                content.Add(new BinaryNode("device-identity", [], (ReadOnlyMemory<byte>)account));
            }
            await CommitAsync("message resent", Creds, transaction, cancellationToken).ConfigureAwait(false);
            await session.SendAsync(new BinaryNode("message", [("id", id), ("to", from.ToString()), ("type", "text")], content.ToArray()), cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            _signalLock.Release();
        }
    }

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

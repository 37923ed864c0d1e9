using System.Collections.Concurrent;
using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Core.Iq;
using WaCluster.Core.Keys;
using WaCluster.Core.Messaging;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
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
    /// A device could not decrypt a message we sent: start a session from the bundle it sent (or a fetched one) and
    /// send that device alone the same message again, same id, with the retry count. A group member gets our sender key
    /// pairwise beside a new skmsg; another device of ours gets its device-sent copy for the chat the receipt names.
    /// Unknown or expired messages are not resent.
    /// </summary>
    internal async Task OnRetryReceiptAsync(ConnectionSession session, BinaryNode receipt, CancellationToken cancellationToken)
    {
        await session.SendAsync(StanzaAcks.For(receipt, Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
        var id = receipt.GetAttribute("id");
        if (id is null || receipt.GetJid("from") is not { } from || Creds.Me is not { } contact) return;
        Emit(new RetryReceiptReceived(id, from));
        var me = Protocol.Jids.Jid.Parse(contact.Id);
        // The failing device, and the chat the message belongs to.
        var (device, chat) = from.IsGroup
            ? (receipt.GetJid("participant") ?? throw new EngineException($"group retry receipt {id} without a participant"), from)
            : from.IsSameUser(me) ? (from, receipt.GetJid("recipient") ?? from) : (from, from);
        // The device may be new or re-installed: its user's device list is fetched again on the next send.
        if (!device.IsGroup) _deviceLists.Invalidate(device);
        if (device.IsGroup || device == me || !RecentSent.TryGet(chat, id, out var message)) return;
        var count = receipt.GetChild("retry")?.GetAttribute("count") ?? "1";
        await _signalLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = new SignalStoreTransaction(_keys);
            var address = SignalAddresses.Of(device);
            if (KeyBundles.FromRetryReceipt(receipt) is { } bundle)
            {
                await new SessionBuilder(transaction, address).ProcessBundleAsync(bundle).ConfigureAwait(false);
            }
            else if (!await new SessionCipher(transaction, address).HasOpenSessionAsync().ConfigureAwait(false))
            {
                var fetched = await session.QueryAsync(new KeyBundleFetchSpec([device]), cancellationToken).ConfigureAwait(false);
                if (!fetched.TryGetValue(device, out var fresh)) return;
                await new SessionBuilder(transaction, address).ProcessBundleAsync(fresh).ConfigureAwait(false);
            }
            BinaryNode resend;
            if (chat.IsGroup)
            {
                var result = await GroupOutgoingMessage.EncryptAsync(transaction, Creds, id, chat, me, message, [device], _ => NoBundles(), "text", null,
                    retryCount: count).ConfigureAwait(false);
                // Addressed to the group but for this device alone: the other members already read it.
                resend = new BinaryNode(result.Stanza.Tag, [.. result.Stanza.Attributes, ("participant", device.ToString())], [.. result.Stanza.Children]);
            }
            else
            {
                var ownDevice = device.IsSameUser(me);
                var content = ownDevice ? OutgoingMessage.DeviceSentCopy(chat, message) : message;
                var encrypted = await new SessionCipher(transaction, address).EncryptAsync(MessagePadding.Pad(Google.Protobuf.MessageExtensions.ToByteArray(content)))
                    .ConfigureAwait(false);
                var nodes = new List<BinaryNode>
                {
                    new("enc", [("v", "2"), ("type", encrypted.WireType), ("count", count)], (ReadOnlyMemory<byte>)encrypted.Body),
                };
                if (encrypted.Type == Signal.Messages.SignalMessageType.PreKey && Creds.Account is { } account)
                {
                    nodes.Add(new BinaryNode("device-identity", [], (ReadOnlyMemory<byte>)account));
                }
                resend = new BinaryNode("message", [("id", id), ("to", device.ToString()), ("type", "text"), ("recipient", ownDevice ? chat.ToString() : null)],
                    nodes.ToArray());
            }
            await CommitAsync("message resent", Creds, transaction, cancellationToken).ConfigureAwait(false);
            await session.SendAsync(resend, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _signalLock.Release();
        }
    }

    // The session with the retrying device is set up above; nothing is left to fetch.
    private static Task<IReadOnlyDictionary<Protocol.Jids.Jid, Signal.Keys.PreKeyBundle>> NoBundles() =>
        Task.FromResult<IReadOnlyDictionary<Protocol.Jids.Jid, Signal.Keys.PreKeyBundle>>(new Dictionary<Protocol.Jids.Jid, Signal.Keys.PreKeyBundle>());

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
        Emit(new RetryReceiptSent(stanza.GetAttribute("id") ?? string.Empty, device, count));
    }
}

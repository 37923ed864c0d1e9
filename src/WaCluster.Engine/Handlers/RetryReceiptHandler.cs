using WaCluster.Core.Events;
using WaCluster.Core.Iq;
using WaCluster.Core.Messaging;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.Handlers;

/// <summary>
/// A device could not decrypt a message we sent: start a session from the bundle it sent (or a fetched one) and
/// send that device alone the same message again, same id, with the retry count. A group member gets our sender key
/// pairwise beside a new skmsg; another device of ours gets its device-sent copy for the chat the receipt names.
/// Unknown or expired messages are not resent.
/// </summary>
internal sealed class RetryReceiptHandler(AccountEngine engine)
{
    public async Task HandleAsync(ConnectionSession session, BinaryNode receipt, CancellationToken cancellationToken)
    {
        await session.SendAsync(StanzaAcks.For(receipt, engine.Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
        if (engine.Creds.Me is not { } contact) return;
        var me = Jid.Parse(contact.Id);
        if (Receipts.ParseRetry(receipt, me) is not { } retry) return;
        engine.Emit(new RetryReceiptReceived(retry.Id, retry.From));
        var (id, device, chat) = (retry.Id, retry.Device, retry.Chat);
        // The device may be new or re-installed: its user's device list is fetched again on the next send.
        if (!device.IsGroup) engine.DeviceLists.Invalidate(device);
        if (device.IsGroup || device == me || !engine.RecentSent.TryGet(chat, id, out var message)) return;
        await engine.SignalLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = new SignalStoreTransaction(engine.KeyStore);
            var address = await LidSessions.AddressAsync(transaction, engine.Data, device).ConfigureAwait(false);
            if (retry.Bundle is { } bundle)
            {
                await new SessionBuilder(transaction, address).ProcessBundleAsync(bundle).ConfigureAwait(false);
            }
            else
            {
                await DeviceSessions.EnsureAsync(transaction, [device], missing => session.QueryAsync(new KeyBundleFetchSpec(missing), cancellationToken), engine.Data)
                    .ConfigureAwait(false);
            }
            // Without a session (no bundle came or was fetched) the device cannot be reached now.
            BinaryNode resend;
            if (chat.IsGroup)
            {
                if (!await new SessionCipher(transaction, address).HasOpenSessionAsync().ConfigureAwait(false)) return;
                // A LID group's member asks by LID: the resend goes under our LID's sender key, as the first send did.
                var result = await GroupOutgoingMessage.EncryptAsync(transaction, engine.Creds, id, chat, engine.GroupIdentity(device.IsLid), message, [device],
                    _ => NoBundles(), "text", null, retryCount: retry.Count, addressing: engine.Data).ConfigureAwait(false);
                // Addressed to the group but for this device alone: the other members already read it.
                resend = new BinaryNode(result.Stanza.Tag, [.. result.Stanza.Attributes, ("participant", device.ToString())], [.. result.Stanza.Children]);
            }
            else if (await OutgoingMessage.ResendAsync(transaction, engine.Data, engine.Creds, id, device, chat, me, message, retry.Count).ConfigureAwait(false) is { } pairwise)
            {
                resend = pairwise;
            }
            else
            {
                return;
            }
            await engine.CommitAsync("message resent", engine.Creds, transaction, cancellationToken).ConfigureAwait(false);
            await session.SendAsync(resend, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            engine.SignalLock.Release();
        }
    }

    // The session with the retrying device is set up above; nothing is left to fetch.
    private static Task<IReadOnlyDictionary<Jid, PreKeyBundle>> NoBundles() =>
        Task.FromResult<IReadOnlyDictionary<Jid, PreKeyBundle>>(new Dictionary<Jid, PreKeyBundle>());
}

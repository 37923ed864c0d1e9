using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Core.Iq;
using WaCluster.Core.Keys;
using WaCluster.Core.Messaging;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Messages;
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
        var id = receipt.GetAttribute("id");
        if (id is null || receipt.GetJid("from") is not { } from || engine.Creds.Me is not { } contact) return;
        engine.Emit(new RetryReceiptReceived(id, from));
        var me = Jid.Parse(contact.Id);
        // The failing device, and the chat the message belongs to.
        var (device, chat) = from.IsGroup
            ? (receipt.GetJid("participant") ?? throw new EngineException($"group retry receipt {id} without a participant"), from)
            : from.IsSameUser(me) ? (from, receipt.GetJid("recipient") ?? from) : (from, from);
        // The device may be new or re-installed: its user's device list is fetched again on the next send.
        if (!device.IsGroup) engine.DeviceLists.Invalidate(device);
        if (device.IsGroup || device == me || !engine.RecentSent.TryGet(chat, id, out var message)) return;
        var count = receipt.GetChild("retry")?.GetAttribute("count") ?? "1";
        await engine.SignalLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = new SignalStoreTransaction(engine.KeyStore);
            var address = SignalAddresses.Of(device);
            if (KeyBundles.FromRetryReceipt(receipt) is { } bundle)
            {
                await new SessionBuilder(transaction, address).ProcessBundleAsync(bundle).ConfigureAwait(false);
            }
            else
            {
                await DeviceSessions.EnsureAsync(transaction, [device], missing => session.QueryAsync(new KeyBundleFetchSpec(missing), cancellationToken))
                    .ConfigureAwait(false);
                // Without a bundle the device cannot be reached now.
                if (!await new SessionCipher(transaction, address).HasOpenSessionAsync().ConfigureAwait(false)) return;
            }
            BinaryNode resend;
            if (chat.IsGroup)
            {
                var result = await GroupOutgoingMessage.EncryptAsync(transaction, engine.Creds, id, chat, me, message, [device], _ => NoBundles(), "text", null,
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
                if (encrypted.Type == SignalMessageType.PreKey && engine.Creds.Account is { } account)
                {
                    nodes.Add(new BinaryNode("device-identity", [], (ReadOnlyMemory<byte>)account));
                }
                resend = new BinaryNode("message", [("id", id), ("to", device.ToString()), ("type", "text"), ("recipient", ownDevice ? chat.ToString() : null)],
                    nodes.ToArray());
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

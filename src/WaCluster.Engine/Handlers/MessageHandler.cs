using System.Collections.Concurrent;
using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Core.Keys;
using WaCluster.Core.Messaging;
using WaCluster.Core.Stanzas;
using WaCluster.Core.Store;
using WaCluster.Engine.AppState;
using WaCluster.Engine.Connection;
using WaCluster.Engine.History;
using WaCluster.Engine.State;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.Signal;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.Handlers;

/// <summary>
/// A received message: decrypted, the session change persisted with it, announced, then receipted and acked. A
/// message seen before (redelivered) is receipted and acked again but neither decrypted nor announced; one that does
/// not decrypt is reported and its sender asked to encrypt it again.
/// </summary>
internal sealed class MessageHandler(AccountEngine engine)
{
    /// <summary>WhatsApp gives up on a message after this many retry receipts.</summary>
    private const int MaxRetryCount = 5;

    // Retries asked per failed message ("sender|id"); in memory like Baileys' retry counter cache.
    private readonly ConcurrentDictionary<string, int> _retryCounts = new();

    public async Task HandleAsync(ConnectionSession session, BinaryNode stanza, CancellationToken cancellationToken)
    {
        var me = engine.Creds.Me is { } contact ? Jid.Parse(contact.Id) : default;
        if (me.IsEmpty || stanza.GetChildren("enc").Any() == false)
        {
            // Nothing we can decrypt (e.g. a bare placeholder): acked so the server does not redeliver it.
            await session.SendAsync(StanzaAcks.For(stanza, engine.Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
            return;
        }
        await engine.SignalLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        HistoryChunksRead? history = null;
        try
        {
            var sender = stanza.GetJid("participant") ?? stanza.GetJid("from");
            if (sender is not { } known || !engine.Received.Contains(ReceivedMessageWindow.KeyOf(known.ToString(), stanza.GetAttribute("id") ?? string.Empty)))
            {
                var transaction = new SignalStoreTransaction(engine.KeyStore);
                var (data, learned) = engine.LearnLidPairs(stanza, "message " + stanza.GetAttribute("id"));
                IReadOnlyList<ReceivedMessage> messages;
                try
                {
                    messages = await IncomingMessage.DecryptAsync(transaction, data, stanza, me, engine.OwnLid).ConfigureAwait(false);
                }
                catch (EngineException)
                {
                    // The pairs the stanza taught still hold when its content does not decrypt.
                    await engine.CommitLidPairsAsync(data, learned, cancellationToken).ConfigureAwait(false);
                    throw;
                }
                AccountEngine.LearnDisappearingTimers(data, messages);
                AppStateKeyShareIntake.Stage(engine, data, messages);
                // History chunks are read before the commit, which persists their progress with the notifications.
                history = await engine.History.ReadAsync(data, messages, cancellationToken).ConfigureAwait(false);
                await engine.CommitAsync("message received", engine.Creds, transaction, cancellationToken, messages, data).ConfigureAwait(false);
                engine.AnnounceLidPairs(learned);
                foreach (var chunk in history.Chunks) engine.Emit(chunk);
                if (!engine.Options.HostAnnouncesReceivedMessages)
                {
                    // Hosted, the journaled messages are announced with their kinds, edits, revokes and reactions included.
                    var chatMessages = messages.Where(m => !m.IsStatus && !m.IsBetweenOwnDevices).ToArray();
                    session.Publish(chatMessages);
                    AnnounceChanges(chatMessages);
                    foreach (var status in messages.Where(m => m.IsStatus)) engine.Emit(new StatusReceived(status));
                }
                engine.LearnContacts(messages.Where(m => !m.Key.FromMe && m.PushName is { Length: > 0 }).Select(m => new ContactInfo(m.Sender, Notify: m.PushName)));
            }
            await session.SendAsync(Receipts.Delivery(stanza), cancellationToken).ConfigureAwait(false);
            if (history is { Notifications: > 0 })
            {
                await session.SendAsync(Receipts.HistorySync(stanza), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (EngineException ex)
        {
            // Reported, then the sender is asked to encrypt again; the stanza is still acked.
            engine.Emit(new EngineError("message " + stanza.GetAttribute("id"), ex));
            if (ex.InnerException is SignalException) await RequestRetryAsync(session, stanza, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            engine.SignalLock.Release();
        }
        await session.SendAsync(StanzaAcks.For(stanza, engine.Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
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
        // Looked up in a transaction that is dropped: a session still to migrate counts, and nothing is moved unpersisted.
        var lookup = new SignalStoreTransaction(engine.KeyStore);
        var hasSession = await new SessionCipher(lookup, await LidSessions.AddressAsync(lookup, engine.Data, device).ConfigureAwait(false))
            .HasOpenSessionAsync().ConfigureAwait(false);
        PreKeyRecord? fresh = null;
        if (count > 1 || !hasSession)
        {
            var batch = PreKeyUpload.Prepare(engine.Creds, 1);
            fresh = batch.PreKeys[0];
            var transaction = new SignalStoreTransaction(engine.KeyStore);
            await transaction.StorePreKeyAsync(fresh).ConfigureAwait(false);
            await engine.CommitAsync("retry pre-key", batch.Creds, transaction, cancellationToken).ConfigureAwait(false);
        }
        await session.SendAsync(Receipts.Retry(stanza, engine.Creds, count, fresh), cancellationToken).ConfigureAwait(false);
        engine.Emit(new RetryReceiptSent(stanza.GetAttribute("id") ?? string.Empty, device, count));
    }

    // Edits, revokes and reactions inside received messages also update the messages they target.
    private void AnnounceChanges(IReadOnlyList<ReceivedMessage> messages)
    {
        var updates = new List<MessageUpdate>();
        foreach (var received in messages)
        {
            var message = received.Message;
            if (message.ReactionMessage is { Key: { } reacted } reaction)
            {
                engine.Emit(new MessagesReaction(TargetKey(reacted, received), received.Sender, reaction.Text));
            }
            else if (message.ProtocolMessage is { Key: { } target } protocol)
            {
                if (protocol.Type == Message.Types.ProtocolMessage.Types.Type.Revoke)
                {
                    updates.Add(new MessageUpdate(TargetKey(target, received), Revoked: true));
                }
                else if (protocol.Type == Message.Types.ProtocolMessage.Types.Type.MessageEdit && protocol.EditedMessage is { } edited)
                {
                    updates.Add(new MessageUpdate(TargetKey(target, received), EditedMessage: edited));
                }
            }
        }
        if (updates.Count > 0) engine.Emit(new MessagesUpdate(updates));
    }

    // The target key as seen from here: "fromMe" in the sender's key means from the sender, i.e. not from us unless we sent it.
    private static WaMessageKey TargetKey(MessageKey key, ReceivedMessage carrier)
    {
        var fromMe = key.FromMe == carrier.Key.FromMe;
        Jid? participant = Jid.TryParse(key.Participant, out var p) && !p.IsEmpty ? p : null;
        return new WaMessageKey(carrier.Key.RemoteJid, fromMe, key.Id, participant);
    }
}

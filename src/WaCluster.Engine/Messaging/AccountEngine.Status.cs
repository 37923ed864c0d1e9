using WaCluster.Core;
using WaCluster.Core.Iq;
using WaCluster.Core.Messaging;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine;

public sealed partial class AccountEngine
{
    /// <summary>Posts a text status shown to <paramref name="recipients"/> only.</summary>
    public Task<string> SendTextStatusAsync(string text, IReadOnlyCollection<Jid> recipients, string? messageId = null, CancellationToken cancellationToken = default) =>
        SendStatusAsync(new Message { ExtendedTextMessage = new Message.Types.ExtendedTextMessage { Text = text } }, recipients, messageId, cancellationToken);

    /// <summary>
    /// Posts a status (any content, uploaded media included) to status@broadcast for the listed users, as Baileys does
    /// with <c>statusJidList</c>: the content once under our sender key of status@broadcast, and that sender key pairwise
    /// to every device of every recipient (the server delivers a status only to the devices it names). Completes on the
    /// server's ack; returns the message id.
    /// </summary>
    public async Task<string> SendStatusAsync(Message message, IReadOnlyCollection<Jid> recipients, string? messageId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(recipients);
        if (recipients.Count == 0) throw new ArgumentException("a status needs at least one recipient", nameof(recipients));
        var id = messageId is null ? MessageIds.New() : MessageIds.Validate(messageId);
        var kind = OutgoingStanzaKind.Of(message);
        var session = _session ?? throw new ConnectionClosedException("not connected");
        var me = Jid.Parse((Creds.Me ?? throw new EngineException("not paired")).Id);
        var devices = (await GetDevicesAsync(recipients, cancellationToken).ConfigureAwait(false)).SelectMany(d => d.Devices).Select(d => d.Jid)
            .Where(j => j != me).Distinct().ToArray();
        if (devices.Length == 0) throw new EngineException("no device of the status recipients is known");
        var status = Jid.StatusBroadcast;
        Task<BinaryNode> ack;
        await _signalLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = new SignalStoreTransaction(_keys);
            var result = await GroupOutgoingMessage.EncryptAsync(transaction, Creds, id, status, me, message, devices,
                missing => session.QueryAsync(new KeyBundleFetchSpec(missing), cancellationToken), kind.Type, kind.MediaType, addressing: Data).ConfigureAwait(false);
            await CommitAsync("status sent", Creds, transaction, cancellationToken).ConfigureAwait(false);
            ack = await SendExpectingAckAsync(session, result.Stanza, id, cancellationToken).ConfigureAwait(false);
            RecentSent.Add(status, id, message);
        }
        finally
        {
            _signalLock.Release();
        }
        await session.MessageAcks.WaitAsync(id, ack, Options.MessageAckTimeout, cancellationToken).ConfigureAwait(false);
        return id;
    }
}

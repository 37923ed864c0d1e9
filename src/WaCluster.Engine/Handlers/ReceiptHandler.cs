using WaCluster.Core.Events;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Handlers;

/// <summary>A receipt for our messages: status updates (1:1) or per-member receipts (groups), then the ack.</summary>
internal sealed class ReceiptHandler(AccountEngine engine)
{
    public async Task HandleAsync(ConnectionSession session, BinaryNode stanza, CancellationToken cancellationToken)
    {
        var receipt = Receipts.Parse(stanza);
        if (receipt.From is { } chat && receipt.Status is { } status)
        {
            var timestamp = receipt.Timestamp ?? engine.Time.GetUtcNow();
            if (chat.IsGroup && receipt.Participant is { } member)
            {
                foreach (var id in receipt.Ids) engine.Emit(new MessageReceiptUpdate(new WaMessageKey(chat, true, id), member.ToNonAd(), status, timestamp));
            }
            else if (!chat.IsGroup)
            {
                engine.Emit(new MessagesUpdate(receipt.Ids.Select(id => new MessageUpdate(new WaMessageKey(chat.ToNonAd(), true, id), Status: status)).ToArray()));
            }
        }
        await session.SendAsync(StanzaAcks.For(stanza, engine.Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
    }
}

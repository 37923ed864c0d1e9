using WaCluster.Core.Events;
using WaCluster.Core.Messaging;
using WaCluster.Core.Store;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using ProtocolType = WaCluster.Protocol.Proto.Message.Types.ProtocolMessage.Types.Type;

namespace WaCluster.Engine;

public sealed partial class AccountEngine
{
    /// <summary>The disappearing-messages timer of a 1:1 chat in seconds, 0 when its messages stay.</summary>
    public uint DisappearingTimerOf(Jid chat) => new DisappearingTimers(Data).Of(chat);

    /// <summary>
    /// Turns disappearing messages on in a chat with a timer in seconds, or off with 0. In a group it is a setting of
    /// the group (admins); in a 1:1 chat an EPHEMERAL_SETTING protocol message tells the peer, wrapped as WhatsApp clients
    /// send it (Baileys' <c>disappearingMessagesInChat</c>), and once the server acked it the timer is persisted and
    /// our next messages there carry it.
    /// </summary>
    public async Task SetDisappearingTimerAsync(Jid chat, uint seconds, string? messageId = null, CancellationToken cancellationToken = default)
    {
        if (chat.IsGroup)
        {
            await ToggleGroupEphemeralAsync(chat, checked((int)seconds), cancellationToken).ConfigureAwait(false);
            return;
        }
        await SendMessageAsync(chat, DisappearingSetting(seconds), messageId, cancellationToken).ConfigureAwait(false);
        var data = new AccountDataTransaction(Data);
        DisappearingTimers.Learn(data, chat, seconds);
        await CommitDataAsync("disappearing timer set", data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The protocol message that sets a 1:1 chat's timer.</summary>
    public static Message DisappearingSetting(uint seconds) => new()
    {
        EphemeralMessage = new Message.Types.FutureProofMessage
        {
            Message = new Message
            {
                ProtocolMessage = new Message.Types.ProtocolMessage { Type = ProtocolType.EphemeralSetting, EphemeralExpiration = seconds },
            },
        },
    };

    // Our message in a 1:1 chat with a timer carries it, as the peer's clients expect of a disappearing chat.
    private Message InDisappearingChat(Jid chat, Message message) => MessageWrappers.WithExpiration(message, DisappearingTimerOf(chat));

    /// <summary>
    /// Stages what received messages teach about 1:1 chats' timers: a peer's EPHEMERAL_SETTING, and the expiration a
    /// message was sent under (so a chat switched on from another device or before we linked is known by its next message).
    /// </summary>
    internal static void LearnDisappearingTimers(AccountDataTransaction data, IEnumerable<ReceivedMessage> messages)
    {
        foreach (var received in messages)
        {
            var chat = received.Key.RemoteJid;
            if (chat.IsGroup || received.IsStatus) continue;
            if (received.Message.ProtocolMessage is { Type: ProtocolType.EphemeralSetting } setting) DisappearingTimers.Learn(data, chat, setting.EphemeralExpiration);
            else if (received.Expiration is { } expiration) DisappearingTimers.Learn(data, chat, expiration);
        }
    }
}

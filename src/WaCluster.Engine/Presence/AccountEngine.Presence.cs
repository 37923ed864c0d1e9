using WaCluster.Core;
using WaCluster.Core.Iq;
using WaCluster.Core.Presence;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine;

public sealed partial class AccountEngine
{
    /// <summary>
    /// Announces our online state (available, unavailable: <paramref name="to"/> unused) to whoever subscribed, or a chat
    /// state (composing, recording, paused) to the chat <paramref name="to"/>, a user or a group (Baileys' sendPresenceUpdate).
    /// WhatsApp shows an online state only with the push name it carries, so one must be set (<see cref="SetPushNameAsync"/>).
    /// </summary>
    public async Task SendPresenceUpdateAsync(PresenceKind kind, Jid? to = null, CancellationToken cancellationToken = default)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        var me = Creds.Me ?? throw new EngineException("not paired");
        if (kind is PresenceKind.Available or PresenceKind.Unavailable)
        {
            var name = me.Name is { Length: > 0 } known ? known : throw new EngineException("no push name: set one before announcing presence");
            await session.SendAsync(PresenceStanzas.OnlineState(kind, name), cancellationToken).ConfigureAwait(false);
            return;
        }
        var chat = to ?? throw new ArgumentNullException(nameof(to), "a chat state goes to a chat");
        // In a LID chat we speak as our LID.
        var from = chat.IsLid && Jid.TryParse(me.Lid, out var lid) ? lid : Jid.Parse(me.Id);
        await session.SendAsync(PresenceStanzas.ChatState(kind, from, chat), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the server for <paramref name="user"/>'s presence now and whenever it changes (Baileys' presenceSubscribe).</summary>
    public async Task SubscribePresenceAsync(Jid user, CancellationToken cancellationToken = default)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        await session.SendAsync(PresenceStanzas.Subscribe(user.ToNonAd(), session.NextTag()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Our push name, the name our presence and messages carry; persisted with the creds.</summary>
    public Task SetPushNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return UpdateCredsAsync("push name", current => current with { Me = (current.Me ?? throw new EngineException("not paired")) with { Name = name } },
            cancellationToken);
    }
}

using System.Collections.Concurrent;
using WaCluster.Engine.Connection;
using WaCluster.Engine.Events;
using WaCluster.Engine.Groups;
using WaCluster.Engine.Keys;
using WaCluster.Engine.Messaging;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine;

public sealed partial class AccountEngine
{
    // Which member devices hold our current sender key, per group. Kept in memory only: forgetting it merely resends
    // the distribution, while the sender key itself is persisted with the other keys.
    private readonly ConcurrentDictionary<Jid, HashSet<Jid>> _senderKeyHolders = new();

    /// <summary>Creates a group with us as super admin and returns its metadata (Baileys' groupCreate).</summary>
    public async Task<GroupMetadata> CreateGroupAsync(string subject, IEnumerable<Jid> participants, CancellationToken cancellationToken = default)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        var key = MessageIds.New();
        return GroupQueries.ParseAnswer(await session.QueryAsync(id => GroupQueries.Create(id, subject, key, participants), null, cancellationToken)
            .ConfigureAwait(false));
    }

    /// <summary>The group's current metadata as the server has it (Baileys' groupMetadata).</summary>
    public async Task<GroupMetadata> GetGroupMetadataAsync(Jid group, CancellationToken cancellationToken = default)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        return GroupQueries.ParseAnswer(await session.QueryAsync(id => GroupQueries.Metadata(id, group), null, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Adds, removes, promotes or demotes members (admins only); returns the error code per participant (null = done).</summary>
    public async Task<IReadOnlyList<(Jid Participant, string? Error)>> UpdateGroupParticipantsAsync(Jid group, IEnumerable<Jid> participants, string action,
        CancellationToken cancellationToken = default)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        var answer = await session.QueryAsync(id => GroupQueries.Participants(id, group, participants, action), null, cancellationToken).ConfigureAwait(false);
        return GroupQueries.ParseParticipantsAnswer(answer, action);
    }

    /// <summary>
    /// A w:gp2 notification: announced as group events, then acked. A membership change makes every member device
    /// get our sender key again with the next message, so newly added devices can read it.
    /// </summary>
    internal async Task OnGroupNotificationAsync(ConnectionSession session, BinaryNode notification, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var groupEvent in GroupNotifications.Parse(notification))
            {
                if (groupEvent is GroupParticipantsUpdate update) _senderKeyHolders.TryRemove(update.Id, out _);
                Emit(groupEvent);
            }
        }
        catch (EngineException ex)
        {
            Emit(new EngineError("group notification " + notification.GetAttribute("id"), ex));
        }
        await session.SendAsync(StanzaAcks.For(notification, Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends to a group: every member device (ours included) that lacks our sender key gets it pairwise, then the
    /// content goes once as skmsg. Key changes are persisted before the stanza leaves.
    /// </summary>
    private async Task<string> SendGroupMessageAsync(Jid group, Message message, string stanzaType, string? mediaType, CancellationToken cancellationToken,
        string? edit)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        var me = Jid.Parse((Creds.Me ?? throw new EngineException("not paired")).Id);
        var metadata = await GetGroupMetadataAsync(group, cancellationToken).ConfigureAwait(false);
        var users = metadata.Participants.Select(p => p.Jid.ToNonAd()).Append(me.ToNonAd()).Distinct().ToArray();
        var devices = (await GetDevicesAsync(users, cancellationToken).ConfigureAwait(false)).SelectMany(d => d.Devices).Select(d => d.Jid)
            .Where(j => j != me).Distinct().ToArray();
        var holders = _senderKeyHolders.GetOrAdd(group, _ => []);
        Jid[] lacking;
        lock (holders) lacking = devices.Where(d => !holders.Contains(d)).ToArray();
        var id = MessageIds.New();
        await _signalLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = new SignalStoreTransaction(_keys);
            var result = await GroupOutgoingMessage.EncryptAsync(transaction, Creds, id, group, me, message, lacking,
                async missing => KeyBundles.Parse(await session.QueryAsync(q => KeyBundles.Query(q, missing), null, cancellationToken).ConfigureAwait(false)),
                stanzaType, mediaType).ConfigureAwait(false);
            await CommitAsync("group message sent", Creds, transaction, cancellationToken).ConfigureAwait(false);
            await session.SendAsync(MessageKinds.WithEdit(result.Stanza, edit), cancellationToken).ConfigureAwait(false);
            lock (holders) holders.UnionWith(result.Distributed);
        }
        finally
        {
            _signalLock.Release();
        }
        return id;
    }
}

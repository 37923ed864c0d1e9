using System.Collections.Concurrent;
using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Core.Groups;
using WaCluster.Core.Iq;
using WaCluster.Core.Keys;
using WaCluster.Core.Messaging;
using WaCluster.Core.Stanzas;
using WaCluster.Core.Store;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.Signal.Groups;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine;

public sealed partial class AccountEngine
{
    // Which member devices hold our current sender key, per group. Kept in memory only: forgetting it merely resends
    // the distribution, while the sender key itself is persisted with the other keys.
    private readonly ConcurrentDictionary<Jid, HashSet<Jid>> _senderKeyHolders = new();

    // Groups a member left since our last message there: the next one goes under a fresh sender key. Memory is
    // enough: the removal notification is acked only once the rotation is persisted, so a crash brings it back.
    private readonly ConcurrentDictionary<Jid, byte> _pendingRotations = new();

    /// <summary>Creates a group with us as super admin and returns its metadata (Baileys' groupCreate).</summary>
    public async Task<GroupMetadata> CreateGroupAsync(string subject, IEnumerable<Jid> participants, CancellationToken cancellationToken = default)
    {
        var key = MessageIds.New();
        var metadata = await GroupQueryAsync(new GroupCreateSpec(subject, key, participants), cancellationToken).ConfigureAwait(false);
        await LearnLidMappingsAsync("group created " + metadata.Id, metadata.Participants.Select(p => p.PnLidPair).OfType<(Jid, Jid)>().ToArray(),
            cancellationToken).ConfigureAwait(false);
        return metadata;
    }

    /// <summary>The group's current metadata as the server has it (Baileys' groupMetadata); its members' PN-LID pairs are learned.</summary>
    public async Task<GroupMetadata> GetGroupMetadataAsync(Jid group, CancellationToken cancellationToken = default)
    {
        var metadata = await GroupQueryAsync(new GroupMetadataSpec(group), cancellationToken).ConfigureAwait(false);
        await LearnLidMappingsAsync("group metadata of " + group, metadata.Participants.Select(p => p.PnLidPair).OfType<(Jid, Jid)>().ToArray(),
            cancellationToken).ConfigureAwait(false);
        return metadata;
    }

    /// <summary>
    /// Adds, removes, promotes or demotes members (admins only); returns the error code per participant (null = done).
    /// After a removal our next message in the group goes under a fresh sender key.
    /// </summary>
    public async Task<IReadOnlyList<(Jid Participant, string? Error)>> UpdateGroupParticipantsAsync(Jid group, IEnumerable<Jid> participants, string action,
        CancellationToken cancellationToken = default)
    {
        var answer = await GroupQueryAsync(new GroupParticipantsSpec(group, participants, action), cancellationToken).ConfigureAwait(false);
        // Our own removal notification may come after the caller's next message: rotate for that one already.
        if (action == "remove" && answer.Any(a => a.Error is null)) ExpectRotation(group);
        return answer;
    }

    /// <summary>Renames the group (Baileys' groupUpdateSubject).</summary>
    public Task UpdateGroupSubjectAsync(Jid group, string subject, CancellationToken cancellationToken = default) =>
        GroupQueryAsync(new GroupSubjectSpec(group, subject), cancellationToken);

    /// <summary>Sets the group description, or removes it when <paramref name="description"/> is null or empty (Baileys' groupUpdateDescription).</summary>
    public async Task UpdateGroupDescriptionAsync(Jid group, string? description, CancellationToken cancellationToken = default)
    {
        var previous = (await GetGroupMetadataAsync(group, cancellationToken).ConfigureAwait(false)).DescriptionId;
        var newId = MessageIds.New();
        await GroupQueryAsync(new GroupDescriptionSpec(group, description, newId, previous), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Only admins send (announcement) or everyone; only admins edit the info (locked) or everyone (Baileys' groupSettingUpdate).</summary>
    public Task UpdateGroupSettingAsync(Jid group, GroupSetting setting, CancellationToken cancellationToken = default) =>
        GroupQueryAsync(new GroupSettingSpec(group, setting), cancellationToken);

    /// <summary>Turns disappearing messages on with a timer in seconds, or off with 0 (Baileys' groupToggleEphemeral).</summary>
    public Task ToggleGroupEphemeralAsync(Jid group, int seconds, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        return GroupQueryAsync(new GroupEphemeralSpec(group, seconds), cancellationToken);
    }

    private Task<TResponse> GroupQueryAsync<TResponse>(IIqSpec<TResponse> spec, CancellationToken cancellationToken) =>
        (_session ?? throw new ConnectionClosedException("not connected")).QueryAsync(spec, cancellationToken);

    /// <summary>
    /// Learns PN-LID pairs the server named, all or none: a pair that contradicts a known one (or is not of its kinds)
    /// throws <see cref="LidMappingException"/> with nothing stored. New pairs are persisted before this returns.
    /// </summary>
    internal async Task LearnLidMappingsAsync(string cause, IReadOnlyList<(Jid Pn, Jid Lid)> pairs, CancellationToken cancellationToken)
    {
        if (pairs.Count == 0) return;
        var transaction = new AccountDataTransaction(Data);
        foreach (var (pn, lid) in pairs) LidMappings.Learn(transaction, pn, lid);
        await CommitDataAsync("PN-LID pairs learned from " + cause, transaction, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Who we are in a group: our LID in a LID group (when we know it), our phone-number JID otherwise.</summary>
    internal Jid GroupIdentity(bool lidAddressed)
    {
        var me = Creds.Me ?? throw new EngineException("not paired");
        return lidAddressed && Jid.TryParse(me.Lid, out var lid) && lid.IsLid ? lid : Jid.Parse(me.Id);
    }

    internal bool IsMe(Jid jid) => Creds.Me is { } me && (jid.IsSameUser(Jid.Parse(me.Id)) || (Jid.TryParse(me.Lid, out var lid) && jid.IsSameUser(lid)));

    /// <summary>A membership change: every member device gets our sender key again with the next message.</summary>
    internal void ForgetSenderKeyHolders(Jid group) => _senderKeyHolders.TryRemove(group, out _);

    internal void ExpectRotation(Jid group)
    {
        _pendingRotations[group] = 0;
        _senderKeyHolders.TryRemove(group, out _);
    }

    // Replaces our sender key of the group now, if we have one and a message has not rotated it meanwhile.
    internal async Task RotateSenderKeyAsync(Jid group, CancellationToken cancellationToken)
    {
        if (Creds.Me is null) return;
        await _signalLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_pendingRotations.ContainsKey(group)) return;
            var transaction = new SignalStoreTransaction(_keys);
            // The group's addressing is not at hand here: whichever of our identities holds a sender key there rotates it.
            var rotated = false;
            foreach (var identity in new[] { GroupIdentity(lidAddressed: false), GroupIdentity(lidAddressed: true) }.Distinct())
            {
                var name = GroupOutgoingMessage.OwnSenderKey(group, identity);
                if (await transaction.LoadSenderKeyAsync(name).ConfigureAwait(false) is null) continue;
                await new GroupSessionBuilder(transaction).RotateAsync(name).ConfigureAwait(false);
                rotated = true;
            }
            if (rotated) await CommitAsync("sender key rotated", Creds, transaction, cancellationToken).ConfigureAwait(false);
            _pendingRotations.TryRemove(group, out _);
        }
        finally
        {
            _signalLock.Release();
        }
    }

    /// <summary>
    /// Sends to a group: every member device (ours included) that lacks our sender key gets it pairwise, then the
    /// content goes once as skmsg. Key changes are persisted before the stanza leaves.
    /// </summary>
    private async Task<string> SendGroupMessageAsync(Jid group, Message message, OutgoingStanzaKind kind, string id, CancellationToken cancellationToken)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        var metadata = await GetGroupMetadataAsync(group, cancellationToken).ConfigureAwait(false);
        message = MessageWrappers.WithExpiration(message, (uint)Math.Max(0, metadata.EphemeralDuration ?? 0));
        // A LID group is reached through its members' (and our own) LID devices, under our LID's sender key.
        var me = GroupIdentity(metadata.AddressingMode == GroupAddressingMode.Lid);
        var users = metadata.Participants.Select(p => p.Jid.ToNonAd()).Append(me.ToNonAd()).Distinct().ToArray();
        var devices = (await GetDevicesAsync(users, cancellationToken).ConfigureAwait(false)).SelectMany(d => d.Devices).Select(d => d.Jid)
            .Where(j => j != me).Distinct().ToArray();
        Task<BinaryNode> ack;
        await _signalLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rotate = _pendingRotations.ContainsKey(group);
            var holders = _senderKeyHolders.GetOrAdd(group, _ => []);
            Jid[] lacking;
            lock (holders) lacking = rotate ? devices : devices.Where(d => !holders.Contains(d)).ToArray();
            var transaction = new SignalStoreTransaction(_keys);
            var result = await GroupOutgoingMessage.EncryptAsync(transaction, Creds, id, group, me, message, lacking,
                missing => session.QueryAsync(new KeyBundleFetchSpec(missing), cancellationToken),
                kind.Type, kind.MediaType, rotate, addressingMode: metadata.AddressingMode, addressing: Data).ConfigureAwait(false);
            await CommitAsync(rotate ? "group message sent under a new sender key" : "group message sent", Creds, transaction, cancellationToken)
                .ConfigureAwait(false);
            if (rotate) _pendingRotations.TryRemove(group, out _);
            ack = await SendExpectingAckAsync(session, MessageKinds.WithEdit(result.Stanza, kind.Edit), id, cancellationToken).ConfigureAwait(false);
            RecentSent.Add(group, id, message);
            lock (holders)
            {
                if (rotate) holders.Clear();
                holders.UnionWith(result.Distributed);
            }
        }
        finally
        {
            _signalLock.Release();
        }
        await session.MessageAcks.WaitAsync(id, ack, Options.MessageAckTimeout, cancellationToken).ConfigureAwait(false);
        return id;
    }
}

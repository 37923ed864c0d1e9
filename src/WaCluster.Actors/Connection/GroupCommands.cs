using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.Core.Groups;
using WaCluster.Core.Iq;
using WaCluster.Engine;
using WaCluster.Protocol.Jids;

namespace WaCluster.Actors.Connection;

/// <summary>
/// A GroupOperation on the engine. Every answer carries the group as the server has it afterwards (except after
/// leaving, when we may no longer read it), so the caller sees the effect, not just our request.
/// </summary>
internal static class GroupCommands
{
    public static async Task<IAccountReply> RunAsync(AccountEngine engine, string accountId, GroupOperation command, CancellationToken cancellationToken)
    {
        var participants = command.ParticipantJids.Select(Jid.Parse).ToArray();
        var result = new GroupOperationResult { AccountId = accountId, RequestId = command.RequestId };
        switch (command.Action)
        {
            case GroupAction.Create:
                if (command.Subject.Length == 0) throw new ArgumentException("a group needs a subject", nameof(command));
                Describe(result, await engine.CreateGroupAsync(command.Subject, participants, cancellationToken).ConfigureAwait(false));
                return result;
            case GroupAction.Add or GroupAction.Remove or GroupAction.Promote or GroupAction.Demote:
                var group = GroupJid(command);
                if (participants.Length == 0) throw new ArgumentException("the operation names no participant", nameof(command));
                var outcomes = await engine.UpdateGroupParticipantsAsync(group, participants, ParticipantsAction(command.Action), cancellationToken)
                    .ConfigureAwait(false);
                result.Results.Add(outcomes.Select(outcome => new ParticipantResult { Jid = outcome.Participant.ToString(), Error = outcome.Error ?? "" }));
                Describe(result, await engine.GetGroupMetadataAsync(group, cancellationToken).ConfigureAwait(false));
                return result;
            case GroupAction.SetSubject:
                if (command.Subject.Length == 0) throw new ArgumentException("a group needs a subject", nameof(command));
                return await ChangeAsync(engine, result, command, (group, token) => engine.UpdateGroupSubjectAsync(group, command.Subject, token),
                    cancellationToken).ConfigureAwait(false);
            case GroupAction.SetDescription:
                return await ChangeAsync(engine, result, command, (group, token) => engine.UpdateGroupDescriptionAsync(group, command.Subject, token),
                    cancellationToken).ConfigureAwait(false);
            case GroupAction.AnnouncementOn or GroupAction.AnnouncementOff or GroupAction.Lock or GroupAction.Unlock:
                var setting = command.Action switch
                {
                    GroupAction.AnnouncementOn => GroupSetting.Announcement,
                    GroupAction.AnnouncementOff => GroupSetting.NotAnnouncement,
                    GroupAction.Lock => GroupSetting.Locked,
                    _ => GroupSetting.Unlocked,
                };
                return await ChangeAsync(engine, result, command, (group, token) => engine.UpdateGroupSettingAsync(group, setting, token),
                    cancellationToken).ConfigureAwait(false);
            case GroupAction.SetEphemeral:
                return await ChangeAsync(engine, result, command,
                    (group, token) => engine.ToggleGroupEphemeralAsync(group, checked((int)command.EphemeralSeconds), token), cancellationToken)
                    .ConfigureAwait(false);
            case GroupAction.Leave:
                var left = GroupJid(command);
                await engine.QueryAsync(new GroupLeaveSpec(left), cancellationToken).ConfigureAwait(false);
                result.GroupJid = left.ToString();
                return result;
            default:
                throw new ArgumentException($"group action {command.Action} is not one to run", nameof(command));
        }
    }

    // Runs one change of the group, then answers with the group as the server has it afterwards.
    private static async Task<IAccountReply> ChangeAsync(AccountEngine engine, GroupOperationResult result, GroupOperation command,
        Func<Jid, CancellationToken, Task> change, CancellationToken cancellationToken)
    {
        var group = GroupJid(command);
        await change(group, cancellationToken).ConfigureAwait(false);
        Describe(result, await engine.GetGroupMetadataAsync(group, cancellationToken).ConfigureAwait(false));
        return result;
    }

    private static Jid GroupJid(GroupOperation command) =>
        Jid.Parse(command.GroupJid) is { IsGroup: true } group ? group : throw new ArgumentException($"'{command.GroupJid}' is not a group JID", nameof(command));

    private static string ParticipantsAction(GroupAction action) => action switch
    {
        GroupAction.Add => "add",
        GroupAction.Remove => "remove",
        GroupAction.Promote => "promote",
        _ => "demote",
    };

    private static void Describe(GroupOperationResult result, GroupMetadata metadata)
    {
        result.GroupJid = metadata.Id.ToString();
        result.Subject = metadata.Subject;
        result.OwnerJid = metadata.Owner?.ToString() ?? "";
        result.Participants.Add(metadata.Participants.Select(MemberOf));
        result.Description = metadata.Description ?? "";
        result.Announce = metadata.Announce;
        result.Locked = metadata.Restrict;
        result.EphemeralSeconds = (uint)Math.Max(0, metadata.EphemeralDuration ?? 0);
    }

    /// <summary>A member as contracts carry it: in the group's addressing, with its other form where known.</summary>
    internal static GroupMember MemberOf(GroupParticipant member) => new()
    {
        Jid = member.Jid.ToString(), Admin = member.Admin ?? "", PhoneNumberJid = member.PhoneNumber?.ToString() ?? "", LidJid = member.Lid?.ToString() ?? "",
    };
}

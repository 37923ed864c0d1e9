using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.Engine;
using WaCluster.Engine.Groups;
using WaCluster.Protocol.Binary;
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
                var target = GroupJid(command);
                if (command.Subject.Length == 0) throw new ArgumentException("a group needs a subject", nameof(command));
                await engine.QueryAsync(id => new BinaryNode("iq", [("id", id), ("to", target.ToString()), ("type", "set"), ("xmlns", "w:g2")],
                    [new BinaryNode("subject", [], command.Subject)]), cancellationToken: cancellationToken).ConfigureAwait(false);
                Describe(result, await engine.GetGroupMetadataAsync(target, cancellationToken).ConfigureAwait(false));
                return result;
            case GroupAction.Leave:
                var left = GroupJid(command);
                await engine.QueryAsync(id => new BinaryNode("iq", [("id", id), ("to", "@" + JidServer.Group), ("type", "set"), ("xmlns", "w:g2")],
                    [new BinaryNode("leave", [], [new BinaryNode("group", [("id", left.ToString())])])]), cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
                result.GroupJid = left.ToString();
                return result;
            default:
                throw new ArgumentException($"group action {command.Action} is not one to run", nameof(command));
        }
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
        result.Participants.Add(metadata.Participants.Select(member => new GroupMember { Jid = member.Jid.ToString(), Admin = member.Admin ?? "" }));
    }
}

using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Core.Groups;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Handlers;

/// <summary>
/// A w:gp2 notification: announced as group events, then acked. A membership change makes every member device get
/// our sender key again with the next message, so newly added devices can read it; a removal also replaces our
/// sender key (persisted before the ack), so the removed member cannot read what we send next. The PN-LID pairs the
/// notification names are learned (persisted before the events and the ack); a pair contradicting a known one is an
/// error with nothing stored and no event.
/// </summary>
internal sealed class GroupNotificationHandler(AccountEngine engine)
{
    public async Task HandleAsync(ConnectionSession session, BinaryNode notification, CancellationToken cancellationToken)
    {
        var rotations = new List<Jid>();
        try
        {
            var parsed = GroupNotifications.Parse(notification, engine.IsMe);
            await engine.LearnLidMappingsAsync("group notification " + notification.GetAttribute("id"), parsed.PnLidPairs, cancellationToken)
                .ConfigureAwait(false);
            foreach (var groupEvent in parsed.Events)
            {
                if (groupEvent is GroupParticipantsUpdate update)
                {
                    engine.ForgetSenderKeyHolders(update.Id);
                    if (update.Action == "remove" && !update.Participants.Any(engine.IsMe))
                    {
                        // Marked at once so a message sent meanwhile already rotates.
                        engine.ExpectRotation(update.Id);
                        rotations.Add(update.Id);
                    }
                }
                engine.Emit(groupEvent);
            }
        }
        catch (EngineException ex)
        {
            engine.Emit(new EngineError("group notification " + notification.GetAttribute("id"), ex));
        }
        if (rotations.Count == 0)
        {
            await session.SendAsync(StanzaAcks.For(notification, engine.Creds.Me?.Id), cancellationToken).ConfigureAwait(false);
            return;
        }
        // Beside the read loop: the Signal lock may be held by a send waiting for an answer this loop must read.
        session.RunBeside("sender key rotation", async ct =>
        {
            foreach (var group in rotations) await engine.RotateSenderKeyAsync(group, ct).ConfigureAwait(false);
            await session.SendAsync(StanzaAcks.For(notification, engine.Creds.Me?.Id), ct).ConfigureAwait(false);
        }, cancellationToken);
    }
}

using Akka.Actor;
using Akka.Persistence;

namespace WaCluster.Node.Health;

/// <summary>
/// One journal round trip for the health check: recovers its own tiny history (a read), persists a marker (a
/// write), deletes what it wrote, reports to <paramref name="replyTo"/> and stops. A journal that fails or hangs
/// shows as a failure or no answer.
/// </summary>
internal sealed class JournalProbe : ReceivePersistentActor
{
    private readonly IActorRef _replyTo;

    public JournalProbe(string persistenceId, string? journalPluginId, IActorRef replyTo)
    {
        PersistenceId = persistenceId;
        _replyTo = replyTo;
        if (journalPluginId is not null)
        {
            JournalPluginId = journalPluginId;
        }
        Recover<string>(_ => { });
        Recover<RecoveryCompleted>(_ => Persist("probe", _ =>
        {
            DeleteMessages(LastSequenceNr);
            _replyTo.Tell(new Passed());
        }));
        // A failed clean-up is no journal failure worth reporting: the next probe deletes through its own marker.
        Command<DeleteMessagesSuccess>(_ => Context.Stop(Self));
        Command<DeleteMessagesFailure>(_ => Context.Stop(Self));
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId, string? journalPluginId, IActorRef replyTo) =>
        Akka.Actor.Props.Create(() => new JournalProbe(persistenceId, journalPluginId, replyTo));

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _replyTo.Tell(new Failed("journal read failed: " + reason.Message));
        base.OnRecoveryFailure(reason, message);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _replyTo.Tell(new Failed("journal write failed: " + cause.Message));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _replyTo.Tell(new Failed("journal write rejected: " + cause.Message));
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    internal sealed record Passed;

    internal sealed record Failed(string Reason);
}

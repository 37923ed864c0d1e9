using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using WaCluster.Actors.Connection;
using WaCluster.Actors.Metrics;
using WaCluster.Contracts.Proto;

namespace WaCluster.Actors.Accounts;

/// <summary>
/// The account actor's connection child: opened when the connect limiter gives a slot, restarted with backoff, closed
/// on logout or disconnect; its reported state published; and fencing, which tells the current connection's messages
/// from those of an older one or of an outsider. Runs on the account actor's thread only.
/// </summary>
internal sealed class AccountConnection(
    IActorContext context,
    string accountId,
    AccountActorSettings settings,
    IAccountConnectionFactory factory,
    IAccountEventPublisher publisher,
    AccountInstruments instruments)
{
    private readonly ILoggingAdapter _log = context.GetLogger();
    private IActorRef? _current;
    private long _opened;

    public ConnectionState State { get; private set; } = ConnectionState.Disconnected;

    public bool IsOpen => _current is not null;

    public bool IsConnected => State == ConnectionState.Connected;

    /// <summary>Tells the current connection, if there is one.</summary>
    public void Tell(object message) => _current?.Tell(message, context.Self);

    /// <summary>Hands a command to the current connection, which answers its sender.</summary>
    public void Forward(object message) => _current?.Forward(message);

    /// <summary>Asks the node's connect limiter for a slot; <see cref="ConnectSlot"/> arrives when it is this account's turn.</summary>
    public void RequestSlot(ITimerScheduler timers)
    {
        if (_current is not null || State == ConnectionState.WaitingForSlot)
        {
            return;
        }
        SetState(ConnectionState.WaitingForSlot, "");
        timers.StartSingleTimer(ConnectSlot.Instance, ConnectSlot.Instance, ConnectLimiterExtension.For(context.System).Reserve());
    }

    /// <summary>Starts a connection child from the account's durable state as it is at <paramref name="sequenceNr"/>.</summary>
    public void Open(AccountState state, long sequenceNr)
    {
        if (_current is not null || state.LoggedOut)
        {
            return;
        }
        // Copies: the child reads them on its own thread while the account goes on changing the state.
        var connectionContext = new AccountConnectionContext(accountId, context.Self, state.Creds, [.. state.SignalChanges],
            [.. state.ReceivedKeys.InOrder], sequenceNr, [.. state.DataChanges]);
        if (factory.CreateConnectionProps(connectionContext) is not { } childProps)
        {
            SetState(ConnectionState.NoEngine, "no engine on this node");
            return;
        }
        var supervised = BackoffSupervisor.Props(Backoff.OnFailure(
            childProps, "socket", settings.ConnectionMinBackoff, settings.ConnectionMaxBackoff, randomFactor: 0.2, maxNrOfRetries: -1));
        // Named by the journal sequence it starts from (and a local count): each connection is a subtree of its own, so
        // that messages of an older one are told apart and its name is never reused.
        _current = context.ActorOf(supervised, $"connection-{sequenceNr}-{++_opened}");
        SetState(ConnectionState.Connecting, "");
    }

    public void Close(ConnectionState state, string detail)
    {
        if (_current is not null)
        {
            context.Stop(_current);
            _current = null;
        }
        SetState(state, detail);
    }

    /// <summary>A connection reported itself up or down (ignored once the account closed its connection).</summary>
    public void Reported(LinkConnectionChanged changed)
    {
        if (_current is not null)
        {
            SetState(changed.Connected ? ConnectionState.Connected : ConnectionState.Disconnected, changed.Detail);
        }
    }

    /// <summary>
    /// False for a message from a connection of this account that is no longer the current one (one engine writes at a
    /// time). Senders outside the account's own children are not connections and are not fenced.
    /// </summary>
    public bool NotFromOlder(IActorRef? sender, object message)
    {
        if (sender is null || !IsUnder(sender.Path, context.Self.Path) || IsCurrent(sender))
        {
            return true;
        }
        _log.Info("Ignored {0} from {1}: not the current connection of {2}", message.GetType().Name, sender.Path, accountId);
        return false;
    }

    /// <summary>True only for a message from the account's current connection: no older one, no outside sender.</summary>
    public bool FromCurrent(IActorRef? sender, object message)
    {
        if (IsCurrent(sender))
        {
            return true;
        }
        _log.Warning("Ignored {0} from {1}: only the current connection of {2} may send it", message.GetType().Name, sender?.Path, accountId);
        return false;
    }

    private bool IsCurrent(IActorRef? sender) => _current is not null && sender is not null && IsUnder(sender.Path, _current.Path);

    private static bool IsUnder(ActorPath path, ActorPath ancestor)
    {
        for (var current = path; current is not null && current.Depth >= ancestor.Depth; current = current.Parent)
        {
            if (current.Depth == ancestor.Depth)
            {
                return current.Equals(ancestor);
            }
        }
        return false;
    }

    private void SetState(ConnectionState state, string detail)
    {
        if (state == State)
        {
            return;
        }
        State = state;
        instruments.StateChanged(state);
        publisher.Publish(new ConnectionChanged { AccountId = accountId, Connection = state, Detail = detail });
    }
}

/// <summary>The limiter's delay is over: the account may connect now. Local to the account actor, never serialized.</summary>
internal sealed class ConnectSlot : INoSerializationVerificationNeeded
{
    public static readonly ConnectSlot Instance = new();
}

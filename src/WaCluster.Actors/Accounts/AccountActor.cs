using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using WaCluster.Actors.Connection;
using WaCluster.Actors.Metrics;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;

namespace WaCluster.Actors.Accounts;

/// <summary>
/// One WhatsApp account: the single writer of its journal, wherever the shard puts it. It persists before anything
/// leaves (a send intent before the send, an incoming message before the server ack), publishes after, and owns a
/// connection child (<see cref="AccountConnection"/>) that it restarts with backoff without touching persisted state.
/// <see cref="AccountState"/> decides and applies; this actor persists, answers and publishes. A failed journal write
/// stops the actor (Akka's rule: the journal's state is unknown); its supervisor or sharding restarts it from the
/// journal, and whatever was not confirmed is retried by its source (the server redelivers an unacked message, a
/// caller resends an unanswered command with the same id).
/// </summary>
public sealed class AccountActor : ReceivePersistentActor, IWithTimers
{
    // How many replayed incoming messages are published again after a recovery (see ReplayedMessages).
    private const int RepublishedOnRecovery = 256;

    private readonly string _accountId;
    private readonly AccountActorSettings _settings;
    private readonly IAccountEventPublisher _publisher;
    private readonly AccountState _state;
    private readonly AccountInstruments _instruments;
    private readonly AccountConnection _connection;
    private readonly ReplayedMessages _replayed = new(RepublishedOnRecovery);
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public AccountActor(string accountId, AccountActorSettings settings, IAccountConnectionFactory connections, IAccountEventPublisher publisher)
    {
        _accountId = accountId;
        _settings = settings;
        _publisher = publisher;
        _state = new AccountState(settings.DedupeCapacity);
        _instruments = NodeMetrics.For(Context.System).Account(accountId, (ActorCell)Context, ConnectionState.Disconnected);
        _connection = new AccountConnection(Context, accountId, settings, connections, publisher, _instruments);
        PersistenceId = AccountActorSettings.PersistenceIdFor(accountId);
        JournalPluginId = settings.JournalPluginId ?? JournalPluginId;
        SnapshotPluginId = settings.SnapshotPluginId ?? SnapshotPluginId;

        Recover<SnapshotOffer>(offer => _state.Apply((AccountSnapshot)offer.Snapshot));
        Recover<IAccountJournalEvent>(replayed => { _state.Apply(replayed); _replayed.Replayed(replayed); });
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<StartAccount>(_ => OnStart());
        Command<ConnectAccount>(_ => OnStart());
        Command<DisconnectAccount>(_ => Lifecycle(_state.Disconnected || _state.LoggedOut, new AccountDisconnected(),
            () => _connection.Close(ConnectionState.Disconnected, "disconnected by request")));
        Command<LogOut>(OnLogOut);
        Command<SendText>(command => OnSend(command, command.MessageId, _state.Decide(command)));
        Command<SendMessage>(command => OnSend(command, command.MessageId, _state.Decide(command, DateTimeOffset.UtcNow)));
        Command<GetAccountStatus>(_ => Sender.Tell(Status()));
        // The code links a device that is not logged in yet: a live socket is enough.
        Command<RequestPairingCode>(command => ForwardToEngine(command, "", requireLogin: false));
        Command<MarkRead>(command => ForwardToEngine(command, ""));
        Command<SendPresence>(command => ForwardToEngine(command, ""));
        Command<GroupOperation>(command => ForwardToEngine(command, command.RequestId));

        // An older connection (already stopped, its messages still on the way) must not change state: it would persist
        // what an engine the account no longer runs did.
        Command<LinkStateChanged>(change => { if (_connection.NotFromOlder(Sender, change)) OnStateChanged(change); });
        Command<LinkConnectionChanged>(changed => { if (_connection.NotFromOlder(Sender, changed)) OnConnectionChanged(changed); });
        // Verdicts on sends, QR codes, receipts, group changes and pairing codes: only the current connection speaks
        // for the account; an older one or anyone else sending them to the region is ignored.
        Command<LinkServerAck>(ack => { if (_connection.FromCurrent(Sender, ack)) CompleteSend(ack.MessageId, errorCode: 0); });
        Command<LinkSendRejected>(rejected => { if (_connection.FromCurrent(Sender, rejected)) CompleteSend(rejected.MessageId, rejected.ErrorCode); });
        Command<LinkQrIssued>(qr => { if (_connection.FromCurrent(Sender, qr)) _publisher.Publish(new QrCodeIssued { AccountId = _accountId, Qr = qr.Qr }); });
        Command<IAccountEvent>(accountEvent => { if (_connection.FromCurrent(Sender, accountEvent)) _publisher.Publish(accountEvent); });
        Command<ConnectSlot>(_ => _connection.Open(_state, LastSequenceNr));

        Command<SaveSnapshotSuccess>(success => PruneBelow(success.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(failure => _log.Warning(failure.Cause, "Snapshot of {0} failed", _accountId));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failure => _log.Warning(failure.Cause, "Pruning the journal of {0} failed", _accountId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failure => _log.Warning(failure.Cause, "Deleting old snapshots of {0} failed", _accountId));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string accountId, AccountActorSettings settings, IAccountConnectionFactory connections, IAccountEventPublisher publisher) =>
        Akka.Actor.Props.Create(() => new AccountActor(accountId, settings, connections, publisher));

    protected override void PostStop()
    {
        _instruments.Dispose();
        base.PostStop();
    }

    private void OnRecovered()
    {
        if (_state.LoggedOut)
        {
            _instruments.StateChanged(ConnectionState.LoggedOut);
        }
        foreach (var message in _replayed.Drain())
        {
            _publisher.Publish(message);
        }
        if (_state.ShouldConnect)
        {
            _connection.RequestSlot(Timers);
        }
    }

    private void OnStart() => Lifecycle(_state.ShouldConnect, new AccountStarted(), () => _connection.RequestSlot(Timers));

    private void OnLogOut(LogOut command)
    {
        if (!_state.LoggedOut)
        {
            // The engine tells the server before the connection goes away.
            _connection.Tell(command);
        }
        Lifecycle(_state.LoggedOut, new AccountLoggedOut(), () => _connection.Close(ConnectionState.LoggedOut, "logged out"));
    }

    /// <summary>Start, disconnect, logout: accepted at once when already so, else persisted, acted on, then accepted.</summary>
    private void Lifecycle(bool already, IAccountJournalEvent change, Action afterwards)
    {
        if (already)
        {
            Sender.Tell(Accepted(""));
            return;
        }
        Persist(change, persisted =>
        {
            Applied(persisted);
            afterwards();
            Sender.Tell(Accepted(""));
        });
    }

    /// <summary>
    /// A send enters the outbox: persisted, answered, then handed to the engine when connected. It leaves the outbox
    /// only on the server's verdict; until then every (re)connection sends it again with the same id.
    /// </summary>
    private void OnSend(IAccountCommand command, string messageId, SendDecision decision)
    {
        switch (decision)
        {
            case SendDecision.Reject(var reason, var detail):
                Sender.Tell(Rejected(messageId, reason, detail));
                break;
            case SendDecision.AcceptAgain:
                Sender.Tell(Accepted(messageId));
                break;
            case SendDecision.Upload:
                ForwardToEngine(command, messageId);
                break;
            case SendDecision.Store(var intent):
                Persist(new SendIntentStored { Intent = intent }, stored =>
                {
                    Applied(stored);
                    Sender.Tell(Accepted(messageId));
                    if (_connection.IsConnected)
                    {
                        _connection.Tell(new LinkSend { Intent = intent });
                    }
                });
                break;
        }
    }

    private void ForwardToEngine(IAccountCommand command, string referenceId, bool requireLogin = true)
    {
        if (!_connection.IsOpen || (requireLogin && !_connection.IsConnected))
        {
            Sender.Tell(Rejected(referenceId, RejectionReason.NotConnected, $"the account is {_connection.State}"));
            return;
        }
        _connection.Forward(command);
    }

    // Messages and the session change that decrypted them go in one atomic write: the server is acked after it.
    private void OnStateChanged(LinkStateChanged change)
    {
        var write = _state.WriteFor(change);
        var replyTo = Sender;
        if (write.Events.Count == 0)
        {
            replyTo.Tell(new LinkStatePersisted { Token = change.Token });
            return;
        }
        var remaining = write.Events.Count;
        PersistAll(write.Events, stored =>
        {
            Applied(stored);
            if (--remaining == 0)
            {
                replyTo.Tell(new LinkStatePersisted { Token = change.Token });
                _instruments.MessagesIn(write.NewMessages.Count);
                foreach (var message in write.NewMessages)
                {
                    _publisher.Publish(message);
                }
            }
        });
    }

    private void CompleteSend(string messageId, int errorCode)
    {
        if (!_state.IsPending(messageId))
        {
            return;
        }
        Persist(new SendIntentCompleted { MessageId = messageId, ErrorCode = errorCode }, completed =>
        {
            Applied(completed);
            _instruments.MessageOut();
            _publisher.Publish(new SendCompleted { AccountId = _accountId, MessageId = completed.MessageId, ErrorCode = completed.ErrorCode });
        });
    }

    private void OnConnectionChanged(LinkConnectionChanged changed)
    {
        _connection.Reported(changed);
        if (changed.Connected && _connection.IsConnected)
        {
            // Sends persisted but not acked before a restart or a reconnect leave again; the server dedupes by id.
            foreach (var intent in _state.Outbox)
            {
                _connection.Tell(new LinkSend { Intent = intent });
            }
        }
    }

    private void Applied(IAccountJournalEvent journalEvent)
    {
        _state.Apply(journalEvent);
        if (LastSequenceNr % _settings.SnapshotEvery != 0)
        {
            return;
        }
        try
        {
            _state.CompactChanges();
        }
        catch (Exception e)
        {
            // The uncompacted list is still exact: snapshot it as it is rather than fail the account.
            _log.Error(e, "Folding the Signal or account data changes of {0} failed", _accountId);
        }
        SaveSnapshot(_state.ToSnapshot());
    }

    private void PruneBelow(long snapshotSequenceNr)
    {
        DeleteMessages(snapshotSequenceNr);
        DeleteSnapshots(new SnapshotSelectionCriteria(snapshotSequenceNr - 1));
    }

    private AccountStatus Status() =>
        _state.StatusOf(_accountId, _connection.State, LastSequenceNr, ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString());

    private CommandAccepted Accepted(string referenceId) => new() { AccountId = _accountId, ReferenceId = referenceId };

    private CommandRejected Rejected(string referenceId, RejectionReason reason, string detail) =>
        new() { AccountId = _accountId, ReferenceId = referenceId, Reason = reason, Detail = detail };
}

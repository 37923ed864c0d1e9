using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Akka.Persistence;
using Google.Protobuf;
using WaCluster.Actors.Commands;
using WaCluster.Actors.Connection;
using WaCluster.Actors.Metrics;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.Core.Creds;
using WaCluster.Protocol.Proto;

namespace WaCluster.Actors.Accounts;

/// <summary>
/// One WhatsApp account: the single writer of its journal, wherever the shard puts it. It persists before anything
/// leaves (a send intent before the send, an incoming message before the server ack), publishes after, and owns a
/// connection child that it restarts with backoff without touching persisted state. A failed journal write stops the
/// actor (Akka's rule: the journal's state is unknown); its supervisor or sharding restarts it from the journal, and
/// whatever was not confirmed is retried by its source (the server redelivers an unacked message, a caller resends an
/// unanswered command with the same id).
/// </summary>
public sealed class AccountActor : ReceivePersistentActor, IWithTimers
{

    // How many replayed incoming messages are published again after a recovery (see OnRecovered).
    private const int RepublishedOnRecovery = 256;

    private readonly string _accountId;
    private readonly AccountActorSettings _settings;
    private readonly IAccountConnectionFactory _connections;
    private readonly IAccountEventPublisher _publisher;
    private readonly AccountState _state;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<LinkInbound> _replayedInbound = new();
    private readonly AccountInstruments _instruments;
    private IActorRef? _connection;
    private long _connectionsOpened;
    private ConnectionState _connectionState = ConnectionState.Disconnected;

    public AccountActor(
        string accountId,
        AccountActorSettings settings,
        IAccountConnectionFactory connections,
        IAccountEventPublisher publisher)
    {
        _accountId = accountId;
        _settings = settings;
        _connections = connections;
        _publisher = publisher;
        _state = new AccountState(settings.DedupeCapacity);
        _instruments = NodeMetrics.For(Context.System).Account(accountId, (ActorCell)Context, _connectionState);
        PersistenceId = AccountActorSettings.PersistenceIdFor(accountId);
        if (settings.JournalPluginId is not null)
        {
            JournalPluginId = settings.JournalPluginId;
        }
        if (settings.SnapshotPluginId is not null)
        {
            SnapshotPluginId = settings.SnapshotPluginId;
        }

        Recover<SnapshotOffer>(offer => _state.Apply((AccountSnapshot)offer.Snapshot));
        Recover<IAccountJournalEvent>(OnReplayed);
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<StartAccount>(_ => OnStart());
        Command<ConnectAccount>(_ => OnStart());
        Command<DisconnectAccount>(_ => OnDisconnect());
        Command<SendText>(OnSendText);
        Command<SendMessage>(OnSendMessage);
        Command<GetAccountStatus>(_ => Sender.Tell(Status()));
        Command<LogOut>(OnLogOut);
        // The code links a device that is not logged in yet: a live socket is enough.
        Command<RequestPairingCode>(command => ForwardToEngine(command, "", requireLogin: false));
        Command<MarkRead>(command => ForwardToEngine(command, ""));
        Command<SendPresence>(command => ForwardToEngine(command, ""));
        Command<GroupOperation>(command => ForwardToEngine(command, command.RequestId));

        // Only the current connection may change state: a message from an older one (already stopped, its messages
        // still on the way) would persist what an engine the account no longer runs did.
        Command<LinkStateChanged>(change => { if (FromCurrentConnection(change)) OnStateChanged(change); });
        Command<LinkInbound>(inbound => { if (FromCurrentConnection(inbound)) OnInbound(inbound); });
        Command<LinkServerAck>(ack => CompleteSend(ack.MessageId, errorCode: 0));
        Command<LinkSendRejected>(rejected => CompleteSend(rejected.MessageId, rejected.ErrorCode));
        Command<LinkConnectionChanged>(changed => { if (FromCurrentConnection(changed)) OnConnectionChanged(changed); });
        Command<LinkQrIssued>(qr => { if (FromCurrentConnection(qr)) _publisher.Publish(new QrCodeIssued { AccountId = _accountId, Qr = qr.Qr }); });
        // Receipts, group changes and issued pairing codes the current connection reports: published, never persisted.
        // Only a connection of this account may speak for it; anyone else sending an event to the region is ignored.
        Command<IAccountEvent>(accountEvent => { if (FromOwnConnection(accountEvent)) _publisher.Publish(accountEvent); });
        Command<ConnectSlot>(_ => OpenConnection());

        Command<SaveSnapshotSuccess>(success => PruneBelow(success.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(failure => _log.Warning(failure.Cause, "Snapshot of {0} failed", _accountId));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failure => _log.Warning(failure.Cause, "Pruning the journal of {0} failed", _accountId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failure => _log.Warning(failure.Cause, "Deleting old snapshots of {0} failed", _accountId));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        string accountId,
        AccountActorSettings settings,
        IAccountConnectionFactory connections,
        IAccountEventPublisher publisher) =>
        Akka.Actor.Props.Create(() => new AccountActor(accountId, settings, connections, publisher));

    protected override void PostStop()
    {
        _instruments.Dispose();
        base.PostStop();
    }

    private void OnReplayed(IAccountJournalEvent journalEvent)
    {
        _state.Apply(journalEvent);
        if (journalEvent is InboundStored { Message: { } inbound })
        {
            _replayedInbound.Enqueue(inbound);
            if (_replayedInbound.Count > RepublishedOnRecovery)
            {
                _replayedInbound.Dequeue();
            }
        }
    }

    private void OnRecovered()
    {
        if (_state.LoggedOut)
        {
            _instruments.StateChanged(ConnectionState.LoggedOut);
        }
        // A crash may fall between a message's journal write and its publication, and the server will not deliver it
        // again (the engine dedupes it from the journal): the latest replayed messages are published once more.
        // Subscribers deduplicate by message id, as at-least-once delivery requires.
        while (_replayedInbound.TryDequeue(out var inbound))
        {
            PublishReceived(inbound);
        }
        if (_state.Started && !_state.LoggedOut && !_state.Disconnected)
        {
            RequestConnectSlot();
        }
    }

    private void OnStart()
    {
        if (_state.Started && !_state.LoggedOut && !_state.Disconnected)
        {
            Sender.Tell(Accepted(""));
            return;
        }
        Persist(new AccountStarted(), started =>
        {
            Applied(started);
            Sender.Tell(Accepted(""));
            RequestConnectSlot();
        });
    }

    private void OnSendText(SendText command) =>
        AcceptSend(new SendIntent
        {
            MessageId = command.MessageId,
            ToJid = command.ToJid,
            Message = new Message { Conversation = command.Text }.ToByteString(),
        });

    private void OnSendMessage(SendMessage command)
    {
        if (command.ContentCase == SendMessage.ContentOneofCase.Media)
        {
            // The engine uploads it first and hands it back as a prepared message for the outbox.
            if (_state.Recent.Contains(command.MessageId) || _state.IsPending(command.MessageId))
            {
                Sender.Tell(Accepted(command.MessageId));
            }
            else if (OutgoingMessages.InvalidMedia(command) is { } problem)
            {
                Sender.Tell(Rejected(command.MessageId, RejectionReason.Invalid, problem));
            }
            else
            {
                ForwardToEngine(command, command.MessageId);
            }
            return;
        }
        try
        {
            AcceptSend(OutgoingMessages.Intent(command, () => _state.Creds is { } creds ? AuthCreds.Parse(creds.Span).Me?.Id : null, DateTimeOffset.UtcNow));
        }
        catch (ArgumentException e)
        {
            Sender.Tell(Rejected(command.MessageId, RejectionReason.Invalid, e.Message));
        }
    }

    /// <summary>
    /// Takes one outgoing message of any kind into the outbox: checked, persisted, answered, then handed to the engine
    /// when connected. It leaves the outbox only on the server's ack; until then every (re)connection sends it again
    /// with the same id. A known id is accepted again without a second intent (the caller retried).
    /// </summary>
    private void AcceptSend(SendIntent intent)
    {
        if (SendIntents.Invalid(intent) is { } problem)
        {
            Sender.Tell(Rejected(intent.MessageId, RejectionReason.Invalid, problem));
            return;
        }
        if (_state.LoggedOut)
        {
            Sender.Tell(Rejected(intent.MessageId, RejectionReason.LoggedOut, "the account is logged out"));
            return;
        }
        if (_state.Recent.Contains(intent.MessageId) || _state.IsPending(intent.MessageId))
        {
            Sender.Tell(Accepted(intent.MessageId));
            return;
        }
        Persist(new SendIntentStored { Intent = intent }, stored =>
        {
            Applied(stored);
            Sender.Tell(Accepted(intent.MessageId));
            if (_connectionState == ConnectionState.Connected)
            {
                _connection?.Tell(new LinkSend { Intent = intent });
            }
        });
    }

    private void OnLogOut(LogOut command)
    {
        if (_state.LoggedOut)
        {
            Sender.Tell(Accepted(""));
            return;
        }
        // The engine tells the server before the connection goes away.
        _connection?.Tell(command);
        Persist(new AccountLoggedOut(), loggedOut =>
        {
            Applied(loggedOut);
            CloseConnection(ConnectionState.LoggedOut, "logged out");
            Sender.Tell(Accepted(""));
        });
    }

    private void OnDisconnect()
    {
        if (_state.Disconnected || _state.LoggedOut)
        {
            Sender.Tell(Accepted(""));
            return;
        }
        Persist(new AccountDisconnected(), disconnected =>
        {
            Applied(disconnected);
            CloseConnection(ConnectionState.Disconnected, "disconnected by request");
            Sender.Tell(Accepted(""));
        });
    }

    private void ForwardToEngine(IAccountCommand command, string referenceId, bool requireLogin = true)
    {
        if (_connection is null || (requireLogin && _connectionState != ConnectionState.Connected))
        {
            Sender.Tell(Rejected(referenceId, RejectionReason.NotConnected, $"the account is {_connectionState}"));
            return;
        }
        _connection.Forward(command);
    }

    private void OnStateChanged(LinkStateChanged change)
    {
        var events = new List<IAccountJournalEvent>(2 + change.Received.Count);
        if (change.HasCreds)
        {
            events.Add(new CredsStored { Creds = change.Creds });
        }
        if (!change.SignalChange.IsEmpty || change.ReceivedKeys.Count > 0)
        {
            events.Add(new SignalStateStored { SignalChange = change.SignalChange, ReceivedKeys = { change.ReceivedKeys } });
        }
        // Messages and the session change that decrypted them go in one atomic write: the server is acked after it.
        var received = change.Received.Where(inbound => !_state.Recent.Contains(inbound.MessageId)).ToList();
        events.AddRange(received.Select(inbound => new InboundStored { Message = inbound }));
        var replyTo = Sender;
        if (events.Count == 0)
        {
            replyTo.Tell(new LinkStatePersisted { Token = change.Token });
            return;
        }
        var remaining = events.Count;
        PersistAll(events, stored =>
        {
            Applied(stored);
            if (--remaining == 0)
            {
                replyTo.Tell(new LinkStatePersisted { Token = change.Token });
                _instruments.MessagesIn(received.Count);
                foreach (var inbound in received)
                {
                    PublishReceived(inbound);
                }
            }
        });
    }

    private void OnInbound(LinkInbound inbound)
    {
        var replyTo = Sender;
        if (_state.Recent.Contains(inbound.MessageId))
        {
            // Already persisted (and published) before: the server did not get our ack, so ack again only.
            replyTo.Tell(new LinkAckInbound { MessageId = inbound.MessageId });
            return;
        }
        Persist(new InboundStored { Message = inbound }, stored =>
        {
            Applied(stored);
            replyTo.Tell(new LinkAckInbound { MessageId = inbound.MessageId });
            _instruments.MessagesIn(1);
            PublishReceived(inbound);
        });
    }

    private void PublishReceived(LinkInbound inbound)
    {
        if (inbound.Text.Length > 0)
        {
            _publisher.Publish(new TextReceived
            {
                AccountId = _accountId,
                MessageId = inbound.MessageId,
                FromJid = inbound.FromJid,
                ChatJid = inbound.ChatJid,
                Text = inbound.Text,
                TimestampUnixSeconds = inbound.TimestampUnixSeconds,
            });
        }
        if (inbound.Received is { } received)
        {
            _publisher.Publish(received);
        }
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
        if (_connection is null)
        {
            return;
        }
        SetConnectionState(changed.Connected ? ConnectionState.Connected : ConnectionState.Disconnected, changed.Detail);
        if (changed.Connected)
        {
            // Sends persisted but not acked before a restart or a reconnect leave again; the server dedupes by id.
            foreach (var intent in _state.Outbox)
            {
                _connection.Tell(new LinkSend { Intent = intent });
            }
        }
    }

    private void RequestConnectSlot()
    {
        if (_connection is not null || _connectionState == ConnectionState.WaitingForSlot)
        {
            return;
        }
        SetConnectionState(ConnectionState.WaitingForSlot, "");
        var delay = ConnectLimiterExtension.For(Context.System).Reserve();
        Timers.StartSingleTimer(ConnectSlot.Instance, ConnectSlot.Instance, delay);
    }

    private void OpenConnection()
    {
        if (_connection is not null || _state.LoggedOut)
        {
            return;
        }
        // Copies: the child reads them on its own thread while this actor goes on changing the state.
        var context = new AccountConnectionContext(_accountId, Self, _state.Creds, [.. _state.SignalChanges], [.. _state.ReceivedKeys.InOrder],
            LastSequenceNr);
        var childProps = _connections.CreateConnectionProps(context);
        if (childProps is null)
        {
            SetConnectionState(ConnectionState.NoEngine, "no engine on this node");
            return;
        }
        var supervised = BackoffSupervisor.Props(Backoff.OnFailure(
            childProps,
            "socket",
            _settings.ConnectionMinBackoff,
            _settings.ConnectionMaxBackoff,
            randomFactor: 0.2,
            maxNrOfRetries: -1));
        // Named by the journal sequence it starts from (and a local count): each connection is a subtree of its own, so
        // that messages of an older one are told apart (FromCurrentConnection) and its name is never reused.
        _connection = Context.ActorOf(supervised, $"connection-{LastSequenceNr}-{++_connectionsOpened}");
        SetConnectionState(ConnectionState.Connecting, "");
    }

    /// <summary>
    /// False for a message from a connection of this account that is no longer the current one (fencing: one engine
    /// writes at a time). Senders outside the account's own children are not connections and are not fenced.
    /// </summary>
    private bool FromCurrentConnection(object message)
    {
        var sender = Sender.Path;
        if (!IsUnder(sender, Self.Path) || (_connection is not null && IsUnder(sender, _connection.Path)))
        {
            return true;
        }
        _log.Info("Ignored {0} from {1}: not the current connection of {2}", message.GetType().Name, sender, _accountId);
        return false;
    }

    /// <summary>True only for a message from the account's current connection (no outside sender qualifies).</summary>
    private bool FromOwnConnection(object message)
    {
        if (_connection is not null && Sender is { } sender && IsUnder(sender.Path, _connection.Path))
        {
            return true;
        }
        _log.Warning("Ignored {0} from {1}: only the current connection of {2} publishes its events", message.GetType().Name, Sender?.Path, _accountId);
        return false;
    }

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

    private void CloseConnection(ConnectionState state, string detail)
    {
        if (_connection is not null)
        {
            Context.Stop(_connection);
            _connection = null;
        }
        SetConnectionState(state, detail);
    }

    private void SetConnectionState(ConnectionState state, string detail)
    {
        if (state == _connectionState)
        {
            return;
        }
        _connectionState = state;
        _instruments.StateChanged(state);
        _publisher.Publish(new ConnectionChanged { AccountId = _accountId, Connection = state, Detail = detail });
    }

    private void Applied(IAccountJournalEvent journalEvent)
    {
        _state.Apply(journalEvent);
        if (LastSequenceNr % _settings.SnapshotEvery == 0)
        {
            CompactSignalChanges();
            SaveSnapshot(_state.ToSnapshot());
        }
    }

    private void CompactSignalChanges()
    {
        try
        {
            _state.CompactSignalChanges();
        }
        catch (Exception e)
        {
            // The uncompacted list is still exact: snapshot it as it is rather than fail the account.
            _log.Error(e, "Folding the Signal changes of {0} failed", _accountId);
        }
    }

    private void PruneBelow(long snapshotSequenceNr)
    {
        DeleteMessages(snapshotSequenceNr);
        DeleteSnapshots(new SnapshotSelectionCriteria(snapshotSequenceNr - 1));
    }

    private AccountStatus Status() => new()
    {
        AccountId = _accountId,
        Connection = _state.LoggedOut ? ConnectionState.LoggedOut : _connectionState,
        HasCreds = _state.Creds is not null,
        PendingSends = _state.OutboxCount,
        LastSequenceNr = LastSequenceNr,
        Node = Cluster.Address(Context.System),
        SignalChanges = _state.SignalChanges.Count,
        RememberedMessageIds = _state.Recent.Count,
    };

    private CommandAccepted Accepted(string referenceId) => new() { AccountId = _accountId, ReferenceId = referenceId };

    private CommandRejected Rejected(string referenceId, RejectionReason reason, string detail) =>
        new() { AccountId = _accountId, ReferenceId = referenceId, Reason = reason, Detail = detail };

    /// <summary>The limiter's delay is over: the account may connect now. Local to this actor, never serialized.</summary>
    private sealed class ConnectSlot : INoSerializationVerificationNeeded
    {
        public static readonly ConnectSlot Instance = new();
    }

    private static class Cluster
    {
        public static string Address(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();
    }
}

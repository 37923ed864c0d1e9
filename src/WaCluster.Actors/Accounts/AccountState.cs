using Google.Protobuf;
using WaCluster.Actors.Commands;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.Core.Creds;
using WaCluster.Core.Store;
using WaCluster.Engine.State;

namespace WaCluster.Actors.Accounts;

/// <summary>
/// What an account remembers across restarts and node moves: its engine creds, Signal and account data changes
/// (opaque bytes the engine produced), the outbox of sends not yet acked by the server, and recently handled message ids.
/// Changed only by applying journal events, so replay rebuilds exactly what was live; it also decides which events a
/// command or an engine state change makes, so that the actor only persists, answers and publishes.
/// </summary>
public sealed class AccountState
{
    private readonly List<ByteString> _signalChanges = [];
    private readonly List<ByteString> _dataChanges = [];
    // Insertion-ordered so that a reconnect resends in the order the sends were accepted.
    private readonly OrderedDictionary<string, SendIntent> _outbox = new(StringComparer.Ordinal);

    public AccountState(int dedupeCapacity)
    {
        Recent = new DedupeWindow(dedupeCapacity);
        ReceivedKeys = new DedupeWindow(ReceivedMessageWindow.DefaultCapacity);
    }

    public bool Started { get; private set; }

    public bool LoggedOut { get; private set; }

    /// <summary>An operator disconnected the account; it does not connect until started or connected again.</summary>
    public bool Disconnected { get; private set; }

    public ByteString? Creds { get; private set; }

    public IReadOnlyList<ByteString> SignalChanges => _signalChanges;

    public IReadOnlyList<ByteString> DataChanges => _dataChanges;

    /// <summary>Unacked sends in the order they were accepted.</summary>
    public IEnumerable<SendIntent> Outbox => _outbox.Values;

    public int OutboxCount => _outbox.Count;

    public DedupeWindow Recent { get; }

    /// <summary>The engine's dedupe window ("sender|id" of decrypted messages), handed to every engine the account rebuilds.</summary>
    public DedupeWindow ReceivedKeys { get; }

    public bool IsPending(string messageId) => _outbox.ContainsKey(messageId);

    /// <summary>Started and neither logged out nor disconnected: the account keeps a connection open.</summary>
    public bool ShouldConnect => Started && !LoggedOut && !Disconnected;

    /// <summary>The account's own JID once paired (a reply quoting one of its own messages names it).</summary>
    public string? OwnJid => Creds is { } creds ? AuthCreds.Parse(creds.Span).Me?.Id : null;

    public SendDecision Decide(SendText command) => Decide(OutgoingMessages.Intent(command));

    /// <summary>
    /// What a send command comes to. Media is uploaded by the engine first and comes back as a prepared message; a
    /// known id is accepted again without a second intent (the caller retried).
    /// </summary>
    public SendDecision Decide(SendMessage command, DateTimeOffset now)
    {
        if (command.ContentCase == SendMessage.ContentOneofCase.Media)
        {
            return KnowsSend(command.MessageId) ? new SendDecision.AcceptAgain()
                : OutgoingMessages.InvalidMedia(command) is { } problem ? new SendDecision.Reject(RejectionReason.Invalid, problem)
                : new SendDecision.Upload();
        }
        try
        {
            return Decide(OutgoingMessages.Intent(command, () => OwnJid, now));
        }
        catch (ArgumentException e)
        {
            return new SendDecision.Reject(RejectionReason.Invalid, e.Message);
        }
    }

    // Nothing the engine would refuse enters the outbox: it would be resent forever.
    private SendDecision Decide(SendIntent intent) =>
        SendIntents.Invalid(intent) is { } problem ? new SendDecision.Reject(RejectionReason.Invalid, problem)
        : LoggedOut ? new SendDecision.Reject(RejectionReason.LoggedOut, "the account is logged out")
        : KnowsSend(intent.MessageId) ? new SendDecision.AcceptAgain()
        : new SendDecision.Store(intent);

    private bool KnowsSend(string messageId) => Recent.Contains(messageId) || IsPending(messageId);

    /// <summary>
    /// The journal events of one engine state change, for one atomic write: the creds, the Signal change, the account
    /// data change, then each
    /// message it decrypted that the account has not stored before (a redelivery after a lost ack is not stored again).
    /// </summary>
    public StateWrite WriteFor(LinkStateChanged change)
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
        if (!change.DataChange.IsEmpty)
        {
            events.Add(new AccountDataStored { Change = change.DataChange });
        }
        var received = change.Received.Where(message => !Recent.Contains(message.MessageId)).ToList();
        events.AddRange(received.Select(message => new InboundStored { Message = message }));
        return new StateWrite(events, received);
    }

    /// <summary>
    /// Replaces the Signal changes and the account data changes each by their fold (<see cref="SignalChangeCompaction"/>,
    /// <see cref="AccountDataChange.Fold"/>), before a snapshot.
    /// </summary>
    public void CompactChanges()
    {
        if (_signalChanges.Count > 1)
        {
            var folded = SignalChangeCompaction.Fold(_signalChanges);
            _signalChanges.Clear();
            _signalChanges.Add(folded);
        }
        if (_dataChanges.Count > 1)
        {
            var folded = AccountDataChange.Fold(_dataChanges.Select(change => AccountDataChange.Parse(change.Span)));
            _dataChanges.Clear();
            _dataChanges.Add(ByteString.CopyFrom(folded.ToByteArray()));
        }
    }

    public void Apply(IAccountJournalEvent journalEvent)
    {
        switch (journalEvent)
        {
            case AccountStarted:
                Started = true;
                LoggedOut = false;
                Disconnected = false;
                break;
            case AccountDisconnected:
                Disconnected = true;
                break;
            case AccountLoggedOut:
                LoggedOut = true;
                Creds = null;
                _signalChanges.Clear();
                _dataChanges.Clear();
                break;
            case CredsStored stored:
                Creds = stored.Creds;
                break;
            case SignalStateStored stored:
                if (!stored.SignalChange.IsEmpty)
                {
                    _signalChanges.Add(stored.SignalChange);
                }
                foreach (var key in stored.ReceivedKeys)
                {
                    ReceivedKeys.Add(key);
                }
                break;
            case AccountDataStored stored:
                _dataChanges.Add(stored.Change);
                break;
            case SendIntentStored stored:
                _outbox[stored.Intent.MessageId] = stored.Intent;
                Recent.Add(stored.Intent.MessageId);
                break;
            case SendIntentCompleted completed:
                _outbox.Remove(completed.MessageId);
                break;
            case InboundStored stored:
                Recent.Add(stored.Message.MessageId);
                break;
            case AccountSnapshot snapshot:
                Restore(snapshot);
                break;
            default:
                throw new ArgumentException($"Not an account journal event: {journalEvent.GetType().Name}", nameof(journalEvent));
        }
    }

    /// <summary>The account as a status reply shows it; <paramref name="connection"/> is what its connection reports.</summary>
    public AccountStatus StatusOf(string accountId, ConnectionState connection, long lastSequenceNr, string node) => new()
    {
        AccountId = accountId,
        Connection = LoggedOut ? ConnectionState.LoggedOut : connection,
        HasCreds = Creds is not null,
        PendingSends = OutboxCount,
        LastSequenceNr = lastSequenceNr,
        Node = node,
        SignalChanges = _signalChanges.Count,
        RememberedMessageIds = Recent.Count,
    };

    public AccountSnapshot ToSnapshot()
    {
        var snapshot = new AccountSnapshot
        {
            Started = Started,
            LoggedOut = LoggedOut,
            Disconnected = Disconnected,
            HasCreds = Creds is not null,
            Creds = Creds ?? ByteString.Empty,
        };
        snapshot.SignalChanges.AddRange(_signalChanges);
        snapshot.DataChanges.AddRange(_dataChanges);
        snapshot.Outbox.AddRange(Outbox);
        snapshot.RecentMessageIds.AddRange(Recent.InOrder);
        snapshot.ReceivedKeys.AddRange(ReceivedKeys.InOrder);
        return snapshot;
    }

    private void Restore(AccountSnapshot snapshot)
    {
        Started = snapshot.Started;
        LoggedOut = snapshot.LoggedOut;
        Disconnected = snapshot.Disconnected;
        Creds = snapshot.HasCreds ? snapshot.Creds : null;
        _signalChanges.Clear();
        _signalChanges.AddRange(snapshot.SignalChanges);
        _dataChanges.Clear();
        _dataChanges.AddRange(snapshot.DataChanges);
        _outbox.Clear();
        foreach (var intent in snapshot.Outbox)
        {
            _outbox[intent.MessageId] = intent;
        }
        foreach (var id in snapshot.RecentMessageIds)
        {
            Recent.Add(id);
        }
        foreach (var key in snapshot.ReceivedKeys)
        {
            ReceivedKeys.Add(key);
        }
    }

    public override string ToString() =>
        $"AccountState(started {Started}, logged out {LoggedOut}, creds {(Creds is null ? "none" : "present")}, " +
        $"{_signalChanges.Count} signal changes, {_dataChanges.Count} data changes, {_outbox.Count} pending sends, {Recent.Count} recent ids)";
}

/// <summary>What one engine state change writes, and the messages in it to publish once the write is confirmed.</summary>
public sealed record StateWrite(IReadOnlyList<IAccountJournalEvent> Events, IReadOnlyList<MessageReceived> NewMessages);

/// <summary>What a send command comes to (<see cref="AccountState.Decide(SendMessage, DateTimeOffset)"/>).</summary>
public abstract record SendDecision
{
    /// <summary>A new intent: persisted, answered, then handed to the engine.</summary>
    public sealed record Store(SendIntent Intent) : SendDecision;

    /// <summary>The id is already in the outbox or was sent: accepted again, nothing stored.</summary>
    public sealed record AcceptAgain : SendDecision;

    public sealed record Reject(RejectionReason Reason, string Detail) : SendDecision;

    /// <summary>Media: the connected engine uploads it and hands it back as a prepared message.</summary>
    public sealed record Upload : SendDecision;
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.Actor;
using WaCluster.Contracts.Proto;

namespace WaCluster.Actors.Metrics;

/// <summary>
/// The instruments of one node (one <see cref="Meter"/> per ActorSystem, so nodes sharing a test process keep their
/// figures apart). Actors and the engine connection record into it; the node host exports <see cref="Meter"/>.
/// Only the message and decrypt-failure counters carry an <c>account</c> label (when <see cref="PerAccountLabels"/>):
/// an account lives on one node at a time, so a node holds at most one series per hosted account and counter.
/// </summary>
public sealed class NodeMetrics : IDisposable
{
    public const string MeterName = "WaCluster";

    private readonly Counter<long> _connects;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _messagesIn;
    private readonly Counter<long> _messagesOut;
    private readonly Counter<long> _decryptFailures;
    private readonly Counter<long> _retryReceipts;
    private readonly Histogram<double> _serverAckLatency;
    private readonly Histogram<double> _journalWriteLatency;
    private readonly int[] _accountsByState = new int[Enum.GetValues<ConnectionState>().Length];
    private readonly ConcurrentDictionary<AccountInstruments, ICell> _mailboxes = new(ReferenceEqualityComparer.Instance);

    public NodeMetrics(bool perAccountLabels)
    {
        PerAccountLabels = perAccountLabels;
        Meter = new Meter(MeterName);
        _connects = Meter.CreateCounter<long>("wacluster.account.connects", description: "Account connections opened (logged in), first or again");
        _reconnects = Meter.CreateCounter<long>("wacluster.account.reconnects",
            description: "Account connections opened again after the account had been connected and lost the connection");
        _messagesIn = Meter.CreateCounter<long>("wacluster.messages.in", description: "Incoming messages journaled and published");
        _messagesOut = Meter.CreateCounter<long>("wacluster.messages.out", description: "Outgoing messages the engine handed to the server, completed in the journal");
        _decryptFailures = Meter.CreateCounter<long>("wacluster.decrypt.failures", description: "Incoming messages that did not decrypt");
        _retryReceipts = Meter.CreateCounter<long>("wacluster.retry.receipts",
            description: "Retry receipts: sent (we could not decrypt) or received (a peer could not decrypt ours)");
        _serverAckLatency = Meter.CreateHistogram<double>("wacluster.server.ack.latency", unit: "s",
            description: "From our message stanza leaving the socket to the server's ack of it");
        _journalWriteLatency = Meter.CreateHistogram<double>("wacluster.journal.write.latency", unit: "s",
            description: "One batch write of the SQL journal");
        Meter.CreateObservableGauge("wacluster.accounts", ObserveAccountsByState, description: "Account actors on this node by connection state");
        Meter.CreateObservableGauge("wacluster.account.mailbox.messages", () => _mailboxes.Values.Sum(cell => (long)cell.NumberOfMessages),
            description: "Messages waiting in the mailboxes of this node's account actors");
        Meter.CreateObservableGauge("wacluster.account.mailbox.max", () => _mailboxes.Values.Select(cell => cell.NumberOfMessages).DefaultIfEmpty(0).Max(),
            description: "The deepest account actor mailbox on this node");
    }

    public Meter Meter { get; }

    public bool PerAccountLabels { get; }

    /// <summary>The node's metrics, configured under <c>wacluster.metrics</c>.</summary>
    public static NodeMetrics For(ActorSystem system) => system.WithExtension<NodeMetricsExtension, NodeMetricsProvider>().Metrics;

    /// <summary>Registers an account actor (its state starts as <paramref name="initial"/>); dispose when it stops.</summary>
    public AccountInstruments Account(string accountId, ICell cell, ConnectionState initial)
    {
        var instruments = new AccountInstruments(this, accountId, initial);
        _mailboxes[instruments] = cell;
        return instruments;
    }

    public void RetryReceiptSent() => _retryReceipts.Add(1, new KeyValuePair<string, object?>("direction", "sent"));

    public void RetryReceiptReceived() => _retryReceipts.Add(1, new KeyValuePair<string, object?>("direction", "received"));

    public void DecryptFailed(string accountId) => _decryptFailures.Add(1, AccountTag(accountId));

    /// <summary>Latency of one server ack; <paramref name="error"/> is the server's error code or null.</summary>
    public void ServerAcked(TimeSpan latency, string? error) =>
        _serverAckLatency.Record(latency.TotalSeconds, new KeyValuePair<string, object?>("outcome", error is null ? "ok" : "error"));

    public void JournalWritten(string journal, TimeSpan latency) =>
        _journalWriteLatency.Record(latency.TotalSeconds, new KeyValuePair<string, object?>("journal", journal));

    public void Dispose() => Meter.Dispose();

    internal void Connected(bool again)
    {
        _connects.Add(1);
        if (again)
        {
            _reconnects.Add(1);
        }
    }

    internal void MessagesIn(string accountId, int count) => _messagesIn.Add(count, AccountTag(accountId));

    internal void MessageOut(string accountId) => _messagesOut.Add(1, AccountTag(accountId));

    internal void MoveState(ConnectionState? from, ConnectionState? to)
    {
        if (from is { } left)
        {
            Interlocked.Decrement(ref _accountsByState[(int)left]);
        }
        if (to is { } entered)
        {
            Interlocked.Increment(ref _accountsByState[(int)entered]);
        }
    }

    internal void Unregister(AccountInstruments instruments) => _mailboxes.TryRemove(instruments, out _);

    private KeyValuePair<string, object?>[] AccountTag(string accountId) =>
        PerAccountLabels ? [new("account", accountId)] : [];

    // Every state is reported, zeros included, so dashboards see a series per state from the first scrape.
    private IEnumerable<Measurement<int>> ObserveAccountsByState()
    {
        foreach (var state in Enum.GetValues<ConnectionState>())
        {
            if (state != ConnectionState.Unspecified)
            {
                yield return new Measurement<int>(Volatile.Read(ref _accountsByState[(int)state]),
                    new KeyValuePair<string, object?>("state", StateLabel(state)));
            }
        }
    }

    private static string StateLabel(ConnectionState state) => state switch
    {
        ConnectionState.WaitingForSlot => "waiting_for_slot",
        ConnectionState.Connecting => "connecting",
        ConnectionState.Connected => "connected",
        ConnectionState.Disconnected => "disconnected",
        ConnectionState.NoEngine => "no_engine",
        ConnectionState.LoggedOut => "logged_out",
        _ => "unspecified",
    };
}

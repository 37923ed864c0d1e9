using Akka.Actor;
using Akka.Event;
using WaCluster.Actors.Metrics;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.Core.Connection;
using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Core.Iq;
using WaCluster.Core.Messaging;
using WaCluster.Core.Store;
using WaCluster.Engine;
using WaCluster.Engine.Messaging;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.Signal.Stores;
using EngineConnectionState = WaCluster.Core.Events.ConnectionState;

namespace WaCluster.Actors.Connection;

/// <summary>
/// An account's connection child: rebuilds the engine from the account's persisted creds and Signal changes, runs it,
/// and translates between the engine and the account's Link* messages. It holds no durable state of its own, so the
/// backoff supervisor may restart it at will.
/// </summary>
internal sealed partial class EngineConnection : ReceiveActor
{
    private readonly AccountConnectionContext _context;
    private readonly EngineOptions _options;
    private readonly TimeSpan _persistTimeout;
    private readonly EngineTransports _transports;
    private readonly ActorSystem _system = Context.System;
    private readonly CancellationTokenSource _stop = new();
    // Intents being sent now: a resend of one still waiting for its ack would only race it.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly NodeMetrics _metrics = NodeMetrics.For(Context.System);
    private AccountEngine? _engine;

    public EngineConnection(AccountConnectionContext context, EngineOptions options, TimeSpan persistTimeout, EngineTransports transports)
    {
        _transports = transports;
        _context = context;
        // The account publishes received messages from its journal writes: the engine must not announce them again.
        _options = options with { HostAnnouncesReceivedMessages = true };
        _persistTimeout = persistTimeout;

        Receive<EngineReady>(ready => _engine = ready.Engine);
        Receive<EngineRunEnded>(OnRunEnded);
        Receive<LinkSend>(OnSend);
        Receive<LogOut>(_ => _engine?.LogoutAsync(_stop.Token).ContinueWith(
            task => _log.Warning(task.Exception, "Logout of {0} did not reach the server", _context.AccountId),
            TaskContinuationOptions.OnlyOnFaulted));
        ReceiveCommands();
        Receive<IAccountCommand>(command => Sender.Tell(new CommandRejected
        {
            AccountId = _context.AccountId,
            Reason = RejectionReason.Invalid,
            Detail = $"{command.GetType().Name} is not supported by the engine connection yet",
        }));
    }

    protected override void PreStart()
    {
        var self = Self;
        RunAsync(self, _stop.Token).ContinueWith(
            task => self.Tell(new EngineRunEnded(task.IsFaulted ? task.Exception!.GetBaseException() : null,
                task.IsCompletedSuccessfully ? task.Result : null)),
            TaskScheduler.Default);
    }

    protected override void PostStop()
    {
        _stop.Cancel();
        _context.Account.Tell(new LinkConnectionChanged { Connected = false, Detail = "connection stopped" });
        _stop.Dispose();
    }

    private async Task<DisconnectInfo> RunAsync(IActorRef self, CancellationToken cancellationToken)
    {
        var (creds, keys) = await RestoreAsync(_context).ConfigureAwait(false);
        var data = AccountData.From(_context.DataChanges.Select(change => AccountDataChange.Parse(change.Span)));
        var engine = new AccountEngine(creds, keys, new AccountStatePersister(_context.AccountId, _context.Account, _persistTimeout), _options,
            _transports(_system, creds.NoiseKey, cancellationToken), receivedMessageKeys: _context.ReceivedKeys, data: data);
        self.Tell(new EngineReady(engine));
        var events = ForwardEventsAsync(engine, self, cancellationToken);
        try
        {
            return await engine.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await events.ConfigureAwait(false);
        }
    }

    /// <summary>The last persisted creds, and every persisted Signal change folded in journal order.</summary>
    private static async Task<(AuthCreds Creds, InMemorySignalProtocolStore Keys)> RestoreAsync(AccountConnectionContext context)
    {
        var creds = context.Creds is null ? AuthCreds.CreateNew() : AuthCreds.Parse(context.Creds.Span);
        var keys = new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId);
        foreach (var change in context.SignalChanges)
        {
            await SignalStateChange.Parse(change.Span).ApplyAsync(keys).ConfigureAwait(false);
        }
        return (creds, keys);
    }

    private async Task ForwardEventsAsync(AccountEngine engine, IActorRef self, CancellationToken cancellationToken)
    {
        var account = _context.Account;
        try
        {
            await foreach (var engineEvent in engine.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                _metrics.Record(_context.AccountId, engineEvent);
                switch (engineEvent)
                {
                    case ConnectionUpdate { Qr: { } qr }:
                        account.Tell(new LinkQrIssued { Qr = qr }, self);
                        break;
                    case ConnectionUpdate { Connection: EngineConnectionState.Open }:
                        account.Tell(new LinkConnectionChanged { Connected = true }, self);
                        break;
                    case ConnectionUpdate { Connection: EngineConnectionState.Close, LastDisconnect: var ended }:
                        account.Tell(new LinkConnectionChanged { Connected = false, Detail = ended?.Message ?? "" }, self);
                        break;
                    case EngineError error:
                        _log.Warning("Engine of {0}: {1} failed: {2}", _context.AccountId, error.Context, error.Error.Message);
                        break;
                    default:
                        ForwardEvent(engineEvent, account, self);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection is stopping.
        }
    }

    private void OnSend(LinkSend send)
    {
        var intent = send.Intent;
        if (_engine is not { } engine)
        {
            return; // Not built yet: the account resends its outbox when the connection opens.
        }
        if (!_inFlight.TryAdd(intent.MessageId, 0))
        {
            return;
        }
        var account = _context.Account;
        var self = Self;
        _ = SendAsync(engine, intent, account, self, _stop.Token);
    }

    private async Task SendAsync(AccountEngine engine, SendIntent intent, IActorRef account, IActorRef self, CancellationToken cancellationToken)
    {
        try
        {
            await engine.SendMessageAsync(Jid.Parse(intent.ToJid), Message.Parser.ParseFrom(intent.Message), intent.MessageId, cancellationToken)
                .ConfigureAwait(false);
            account.Tell(new LinkServerAck { MessageId = intent.MessageId }, self);
        }
        catch (MessageRejectedException rejected)
        {
            account.Tell(new LinkSendRejected { MessageId = intent.MessageId, ErrorCode = rejected.Code }, self);
        }
        catch (Exception e) when (e is ConnectionClosedException || cancellationToken.IsCancellationRequested)
        {
            // The connection is gone: the intent stays in the outbox and leaves again, same id, on the next one.
            _log.Warning("Send {0} of {1} is not acked yet: {2}", intent.MessageId, _context.AccountId, e.Message);
        }
        catch (Exception e)
        {
            // No verdict from the server (ack or query timeout, a query error) on a live connection: try again soon
            // rather than wait for a reconnection that may never come. The same id makes a repeat harmless.
            _log.Warning("Send {0} of {1} is not acked yet, retrying in {2}: {3}", intent.MessageId, _context.AccountId, SendRetryDelay, e.Message);
            _system.Scheduler.ScheduleTellOnce(SendRetryDelay, self, new LinkSend { Intent = intent }, ActorRefs.NoSender);
        }
        finally
        {
            _inFlight.TryRemove(intent.MessageId, out _);
        }
    }

    private static readonly TimeSpan SendRetryDelay = TimeSpan.FromSeconds(3);

    private void OnRunEnded(EngineRunEnded ended)
    {
        if (ended.Error is { } error && !_stop.IsCancellationRequested)
        {
            // Let the backoff supervisor rebuild the engine from the journal.
            throw new EngineConnectionFailedException(_context.AccountId, error);
        }
        _log.Info("Engine of {0} ended: {1}", _context.AccountId, ended.Disconnect?.Message ?? "stopped");
    }

    private sealed record EngineReady(AccountEngine Engine) : INoSerializationVerificationNeeded;

    private sealed record EngineRunEnded(Exception? Error, DisconnectInfo? Disconnect) : INoSerializationVerificationNeeded;
}

/// <summary>The engine stopped with an error; the connection child fails so that its supervisor restarts it.</summary>
public sealed class EngineConnectionFailedException(string accountId, Exception cause)
    : Exception($"The engine of {accountId} failed: {cause.Message}", cause);

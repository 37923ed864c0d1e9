using System.Threading.Channels;
using WaCluster.Core.Connection;
using WaCluster.Core.Events;
using WaCluster.Core.Iq;
using WaCluster.Core.Pairing;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Messaging;
using WaCluster.Engine.Handlers;
using WaCluster.Protocol;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Connection;

/// <summary>
/// One connection of an <see cref="AccountEngine"/>: opens the transport, reads and dispatches stanzas, answers iqs,
/// pings, shows QR codes, and ends with a <see cref="DisconnectInfo"/>. Steps that wait for server answers run
/// beside the read loop so their answers can arrive.
/// </summary>
internal sealed class ConnectionSession(AccountEngine engine)
{
    /// <summary>Silence beyond the keep-alive interval plus this grace means the connection is dead.</summary>
    private static readonly TimeSpan DeadConnectionGrace = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stop = new();
    private readonly IqCorrelator _iqs = new(engine.Time);
    private readonly MessageTags _tags = new();
    private readonly OfflineBurstBuffer _burst = new();

    // Ordered handlers (messages, and the offline marker after them) run here one by one in arrival order.
    private readonly Channel<(BinaryNode Node, Func<CancellationToken, Task> Work)> _ordered =
        Channel.CreateUnbounded<(BinaryNode, Func<CancellationToken, Task>)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly ServerAckClock _ackClock = new(engine.Time);
    private INodeTransport? _transport;
    private DisconnectInfo? _ended;
    private CancellationTokenSource? _qrLoop;
    private long _lastReceivedTicks;

    public bool Opened { get; private set; }

    /// <summary>Sends on this connection waiting for their server ack.</summary>
    public ServerAcks MessageAcks { get; } = new(engine.Time);

    /// <summary>Logged in: the offline burst now lasts until the server's marker, or the burst timeout at the latest.</summary>
    public void MarkOpen()
    {
        Opened = true;
        RunBeside("offline burst timeout", async ct =>
        {
            await Task.Delay(engine.Options.OfflineBurstTimeout, engine.Time, ct).ConfigureAwait(false);
            FlushBurst();
        }, _stop.Token);
    }

    /// <summary>Announces received messages, or holds them until the offline burst ends.</summary>
    public void Publish(IReadOnlyList<ReceivedMessage> messages)
    {
        if (messages.Count == 0) return;
        if (!_burst.TryHold(messages)) engine.Emit(new MessagesUpsert(messages));
    }

    /// <summary>Ends the offline burst: held messages are already persisted and acked, so they are announced even when the marker never comes.</summary>
    public void FlushBurst()
    {
        var held = _burst.Flush();
        if (held.Count > 0) engine.Emit(new MessagesUpsert(held));
    }

    public async Task<DisconnectInfo> RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var token = linked.Token;
        var ordered = Task.CompletedTask;
        engine.Emit(new ConnectionUpdate(ConnectionState.Connecting));
        try
        {
            var payload = ClientPayloadFactory.ForCreds(engine.Creds, engine.Options.Identity);
            _transport = await engine.Transports.ConnectAsync(payload, engine.Creds.RoutingInfo, token).ConfigureAwait(false);
            Touch();
            _ = KeepAliveAsync(token);
            ordered = ProcessInOrderAsync(token);
            while (true)
            {
                var node = await _transport.ReceiveAsync(token).ConfigureAwait(false);
                if (node is null)
                {
                    End(new DisconnectInfo((int)DisconnectReason.ConnectionClosed, "Connection Terminated"));
                    break;
                }
                Touch();
                if (_iqs.TryComplete(node)) continue;
                try
                {
                    await DispatchAsync(node, token).ConfigureAwait(false);
                }
                catch (ProtocolException ex)
                {
                    // One bad stanza is reported, never a reason to drop the connection.
                    engine.Emit(new EngineError($"<{node.Tag}> stanza", ex));
                }
                if (_ended is not null) break;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            End(new DisconnectInfo((int)DisconnectReason.ConnectionClosed, "Connection Closed"));
        }
        catch (Exception ex) when (ex is ProtocolException or IOException or System.Net.WebSockets.WebSocketException)
        {
            End(new DisconnectInfo((int)DisconnectReason.ConnectionClosed, ex.Message, ex));
        }
        finally
        {
            // Messages not handled yet are not acked either: the server delivers them again.
            _ordered.Writer.TryComplete();
            await _stop.CancelAsync().ConfigureAwait(false);
            await ordered.ConfigureAwait(false);
            FlushBurst();
            _iqs.Close(_ended?.Message ?? "connection ended");
            MessageAcks.Close(_ended?.Message ?? "connection ended");
            if (_transport is not null) await _transport.DisposeAsync().ConfigureAwait(false);
        }
        return _ended!;
    }

    public string NextTag() => _tags.Next();

    /// <summary>
    /// Every iq the engine waits for goes through here: sent under a fresh id, answered within
    /// <see cref="EngineOptions.DefaultQueryTimeout"/>, its error or result read by <see cref="IqResponses"/>.
    /// </summary>
    public async Task<TResponse> QueryAsync<TResponse>(IIqSpec<TResponse> spec, CancellationToken cancellationToken)
    {
        var id = _tags.Next();
        var node = spec.Build(id);
        if (node.GetAttribute("id") != id)
        {
            throw new ArgumentException("the iq must carry the id it was built with", nameof(spec));
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var response = await _iqs.RequestAsync(id, ct => SendAsync(node, ct), engine.Options.DefaultQueryTimeout, linked.Token).ConfigureAwait(false);
        return IqResponses.Read(spec, id, response);
    }

    public ValueTask SendAsync(BinaryNode node, CancellationToken cancellationToken)
    {
        if (_transport is not { } transport || _ended is not null) throw new ConnectionClosedException("not connected");
        // Timed before it leaves: the ack may be read before the send returns.
        if (node.Tag == "message" && node.GetAttribute("id") is { } id) _ackClock.Sent(id);
        return transport.SendAsync(node, cancellationToken);
    }

    /// <summary>Ends the connection with <paramref name="info"/>; the first reason wins.</summary>
    public void End(DisconnectInfo info)
    {
        if (Interlocked.CompareExchange(ref _ended, info, null) is null) _stop.Cancel();
    }

    // Every stanza goes to its one handler (see StanzaTable), run as the table says.
    private async Task DispatchAsync(BinaryNode node, CancellationToken token)
    {
        if (engine.Stanzas.Resolve(node) is not { } route) return;
        switch (route.Mode)
        {
            case Dispatch.Ordered:
                _ordered.Writer.TryWrite((node, ct => route.HandleAsync(this, node, ct)));
                break;
            case Dispatch.Beside:
                RunBeside(route.Name, ct => route.HandleAsync(this, node, ct), token);
                break;
            default:
                await route.HandleAsync(this, node, token).ConfigureAwait(false);
                break;
        }
    }

    private async Task ProcessInOrderAsync(CancellationToken token)
    {
        try
        {
            await foreach (var (node, work) in _ordered.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                try
                {
                    await work(token).ConfigureAwait(false);
                }
                catch (ProtocolException ex) when (ex is not ConnectionClosedException)
                {
                    // One bad stanza is reported, never a reason to drop the connection.
                    engine.Emit(new EngineError($"<{node.Tag}> stanza", ex));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (_ended is not null && ex is ConnectionClosedException or IOException or System.Net.WebSockets.WebSocketException)
        {
        }
        catch (Exception ex)
        {
            // Handling must go on for the stanzas after it; without that the connection is of no use.
            engine.Emit(new EngineError("message handling", ex));
            End(new DisconnectInfo((int)DisconnectReason.ConnectionClosed, "message handling failed: " + ex.Message, ex));
        }
    }

    /// <summary>Shows the refs of <paramref name="pairDevice"/> as QR codes, each for its lifetime; when they run out the connection ends (408).</summary>
    public void StartQrLoop(BinaryNode pairDevice, CancellationToken token)
    {
        var refs = pairDevice.GetChildren("ref").Select(r => r.ContentAsString ?? string.Empty).ToArray();
        var rotation = new QrRotation(refs, engine.Options.FirstQrTimeout, engine.Options.LaterQrTimeout);
        _qrLoop?.Cancel();
        _qrLoop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var loopToken = _qrLoop.Token;
        RunBeside("qr", async ct =>
        {
            while (rotation.TryNext(out var reference, out var lifetime))
            {
                engine.Emit(new ConnectionUpdate(Qr: PairingQr.Build(reference, engine.Creds, engine.Options.Browser)));
                try
                {
                    await Task.Delay(lifetime, engine.Time, loopToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            End(new DisconnectInfo((int)DisconnectReason.TimedOut, "QR refs attempts ended"));
        }, token);
    }

    /// <summary>Pairing succeeded or login began: no more QR codes.</summary>
    public void StopQrLoop() => _qrLoop?.Cancel();

    /// <summary>How long the server took to ack our message <paramref name="messageId"/>, or null when it was not timed.</summary>
    public TimeSpan? AckLatency(string messageId) => _ackClock.Acked(messageId);

    private async Task KeepAliveAsync(CancellationToken token)
    {
        var interval = engine.Options.KeepAliveInterval;
        using var timer = new PeriodicTimer(interval, engine.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                var silence = engine.Time.GetUtcNow() - new DateTimeOffset(Interlocked.Read(ref _lastReceivedTicks), TimeSpan.Zero);
                if (silence > interval + DeadConnectionGrace)
                {
                    End(new DisconnectInfo((int)DisconnectReason.TimedOut, "Connection was lost"));
                    return;
                }
                RunBeside("keep-alive", ct => QueryAsync(new PingSpec(), ct), token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Runs a step that waits for server answers without blocking the read loop; any failure becomes an event, never lost.</summary>
    public void RunBeside(string context, Func<CancellationToken, Task> step, CancellationToken token) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await step(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (ConnectionClosedException) when (_ended is not null)
            {
            }
            catch (Exception ex)
            {
                engine.Emit(new EngineError(context, ex));
            }
        }, CancellationToken.None);

    private void Touch() => Interlocked.Exchange(ref _lastReceivedTicks, engine.Time.GetUtcNow().UtcTicks);

}

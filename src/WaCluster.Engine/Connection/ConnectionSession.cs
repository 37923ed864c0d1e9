using System.Threading.Channels;
using WaCluster.Core.Connection;
using WaCluster.Core.Events;
using WaCluster.Core.Iq;
using WaCluster.Core.Pairing;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Messaging;
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

    // Messages (and the offline marker after them) are handled in arrival order on their own task, not in the read
    // loop: one may wait for the Signal lock that a send holds while it waits for a server answer only this loop reads.
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
        if (messages.Count > 0 && !_burst.TryHold(messages)) engine.Emit(new MessagesUpsert(messages));
    }

    // Held messages are already persisted and acked: they are announced even when the marker never comes.
    private void FlushBurst()
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

    private async Task DispatchAsync(BinaryNode node, CancellationToken token)
    {
        switch (node.Tag)
        {
            case "iq" when node.GetChild("pair-device") is { } pairDevice && node.GetAttribute("type") == "set":
                await SendAsync(IqResult(node), token).ConfigureAwait(false);
                StartQrLoop(pairDevice, token);
                break;
            case "iq" when node.GetChild("pair-success") is not null:
                _qrLoop?.Cancel();
                try
                {
                    await engine.AcceptPairingAsync(this, node, token).ConfigureAwait(false);
                }
                catch (PairingException ex)
                {
                    End(new DisconnectInfo((int)DisconnectReason.BadSession, ex.Message, ex));
                }
                break;
            case "iq" when node.GetAttribute("type") == "get" && node.GetAttribute("xmlns") == "urn:xmpp:ping":
                await SendAsync(IqResult(node), token).ConfigureAwait(false);
                break;
            case "success":
                _qrLoop?.Cancel();
                RunBeside("login", ct => engine.CompleteLoginAsync(this, node, ct), token);
                break;
            case "stream:error":
                End(StreamErrors.FromStreamError(node));
                break;
            case "failure":
                End(StreamErrors.FromFailure(node));
                break;
            case "xmlstreamend":
                End(new DisconnectInfo((int)DisconnectReason.ConnectionClosed, "Connection Terminated by Server"));
                break;
            case "ib":
                await OnInfoBroadcastAsync(node, token).ConfigureAwait(false);
                break;
            case "notification" when node.GetAttribute("type") == "encrypt" && IsFromServer(node) && node.GetChild("count") is not null:
                // Acked only after the new keys are persisted and uploaded.
                RunBeside("pre-key refill", ct => engine.OnPreKeyCountNotificationAsync(this, node, ct), token);
                break;
            case "notification" when node.GetAttribute("type") == "link_code_companion_reg"
                && node.GetChild("link_code_companion_reg")?.GetAttribute("stage") == "primary_hello":
                RunBeside("pairing code", ct => engine.OnPrimaryHelloAsync(this, node, ct), token);
                break;
            case "message":
                // In arrival order, since ratchets must advance in that order.
                _ordered.Writer.TryWrite((node, ct => engine.OnMessageAsync(this, node, ct)));
                break;
            case "notification" when node.GetAttribute("type") == "w:gp2":
                await engine.OnGroupNotificationAsync(this, node, token).ConfigureAwait(false);
                break;
            case "receipt" when node.GetAttribute("type") == "retry":
                // Beside the read loop: answering may fetch a bundle, whose answer this loop must read.
                RunBeside("retry receipt", ct => engine.OnRetryReceiptAsync(this, node, ct), token);
                break;
            case "receipt" when node.GetAttribute("type") == "server-error":
                // Beside the read loop: answering re-uploads the media and may need a media_conn answer.
                RunBeside("media re-upload request", ct => engine.OnMediaRetryRequestAsync(this, node, ct), token);
                break;
            case "notification" when node.GetAttribute("type") == "mediaretry":
                await engine.OnMediaRetryNotificationAsync(this, node, token).ConfigureAwait(false);
                break;
            case "receipt":
                await engine.OnReceiptAsync(this, node, token).ConfigureAwait(false);
                break;
            case "ack" when node.GetAttribute("class") == "message":
                if (node.GetAttribute("id") is { } acked && _ackClock.Acked(acked) is { } latency)
                {
                    engine.Emit(new MessageServerAck(acked, latency, node.GetAttribute("error")));
                }
                MessageAcks.TryComplete(node);
                break;
            case "presence" or "chatstate":
                engine.OnPresence(node);
                break;
            case "notification" when node.GetAttribute("type") == "devices":
                await engine.OnDevicesNotificationAsync(this, node, token).ConfigureAwait(false);
                break;
            case "notification" or "call":
                // Handled in later slices; acked now so the server does not redeliver them forever.
                await SendAsync(StanzaAcks.For(node, engine.Creds.Me?.Id), token).ConfigureAwait(false);
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

    private async Task OnInfoBroadcastAsync(BinaryNode node, CancellationToken token)
    {
        if (node.GetChild("offline_preview") is not null)
        {
            await SendAsync(new BinaryNode("ib", [], [new BinaryNode("offline_batch", [("count", "100")])]), token).ConfigureAwait(false);
        }
        else if (node.GetChild("offline") is not null)
        {
            // After the backlog messages before it are handled.
            _ordered.Writer.TryWrite((node, _ =>
            {
                FlushBurst();
                engine.Emit(new ConnectionUpdate(ReceivedPendingNotifications: true));
                return Task.CompletedTask;
            }));
        }
        else if (node.GetChild("edge_routing")?.GetChild("routing_info") is { ContentKind: NodeContentKind.Bytes } routing)
        {
            await engine.CommitAsync("routing info", engine.Creds with { RoutingInfo = routing.Bytes.ToArray() }, null, token)
                .ConfigureAwait(false);
        }
        else if (node.GetChild("downgrade_webclient") is not null)
        {
            End(new DisconnectInfo((int)DisconnectReason.MultideviceMismatch, "Multi-device beta not joined"));
        }
    }

    private void StartQrLoop(BinaryNode pairDevice, CancellationToken token)
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

    private static bool IsFromServer(BinaryNode node) => node.GetAttribute("from") is "s.whatsapp.net" or "@s.whatsapp.net";

    private void Touch() => Interlocked.Exchange(ref _lastReceivedTicks, engine.Time.GetUtcNow().UtcTicks);

    private static BinaryNode IqResult(BinaryNode request) =>
        new("iq", [("to", request.GetAttribute("from") ?? Jid.ServerJid.ToString()), ("type", "result"), ("id", request.GetAttribute("id"))]);
}

using System.Threading.Channels;
using WaCluster.Core;
using WaCluster.Core.Connection;
using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Core.Iq;
using WaCluster.Core.Keys;
using WaCluster.Core.Messaging;
using WaCluster.Core.Pairing;
using WaCluster.Core.Stanzas;
using WaCluster.Core.Store;
using WaCluster.Core.Usync;
using WaCluster.Engine.Connection;
using WaCluster.Engine.Handlers;
using WaCluster.Engine.Messaging;
using WaCluster.Engine.State;
using WaCluster.Engine.Usync;
using WaCluster.Protocol;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.Signal;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine;

/// <summary>
/// One WhatsApp account: keeps a connection up (reconnecting with backoff), registers by QR when not paired, logs
/// in when paired, keeps pre-keys on the server, and reports what happens as <see cref="Events"/>. Every change of
/// creds or keys goes through <see cref="IEngineStatePersister"/> before the engine acts on it.
/// </summary>
public sealed partial class AccountEngine
{
    private readonly ISignalProtocolStore _keys;
    private readonly IEngineStatePersister _persister;
    private readonly INodeTransportFactory _transports;
    private readonly TimeProvider _time;
    private readonly ReconnectBackoff _backoff;
    private readonly Channel<EngineEvent> _events = Channel.CreateUnbounded<EngineEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _commitLock = new(1, 1);
    private readonly SemaphoreSlim _uploadLock = new(1, 1);
    private readonly SemaphoreSlim _signalLock = new(1, 1);
    private readonly ReceivedMessageWindow _received;
    private readonly DeviceListCache _deviceLists;
    private ConnectionSession? _session;
    private RecentSentMessages? _recentSent;
    private (string Code, Jid Phone)? _pendingCode;

    public AccountEngine(AuthCreds creds, ISignalProtocolStore keys, IEngineStatePersister persister, EngineOptions options,
        INodeTransportFactory? transports = null, TimeProvider? time = null, ReconnectBackoff? backoff = null,
        IEnumerable<string>? receivedMessageKeys = null, AccountData? data = null)
    {
        Data = data ?? new AccountData();
        _received = new ReceivedMessageWindow(ReceivedMessageWindow.DefaultCapacity, receivedMessageKeys);
        _deviceLists = new DeviceListCache(time ?? TimeProvider.System, options.DeviceListLifetime);
        Creds = creds;
        _keys = keys;
        _persister = persister;
        Options = options;
        _transports = transports ?? new WebSocketTransportFactory(options, creds.NoiseKey);
        _time = time ?? TimeProvider.System;
        _backoff = backoff ?? ReconnectBackoff.Default;
        Stanzas = StanzaTable.For(this);
    }

    public EngineOptions Options { get; }

    /// <summary>The account's data beside creds and Signal state, as last persisted (see <see cref="AccountDataTransaction"/>).</summary>
    public AccountData Data { get; }

    /// <summary>The current credentials (the last ones persisted).</summary>
    public AuthCreds Creds { get; private set; }

    public ChannelReader<EngineEvent> Events => _events.Reader;

    /// <summary>
    /// Connects and stays connected until <paramref name="cancellationToken"/> fires or the server ends the session
    /// for good (logged out, replaced, forbidden); returns why the last connection ended.
    /// </summary>
    public async Task<DisconnectInfo> RunAsync(CancellationToken cancellationToken)
    {
        await EnsureSignedPreKeyStoredAsync(cancellationToken).ConfigureAwait(false);
        var attempt = 0;
        while (true)
        {
            var session = new ConnectionSession(this);
            _session = session;
            var ended = await session.RunAsync(cancellationToken).ConfigureAwait(false);
            _session = null;
            Emit(new ConnectionUpdate(ConnectionState.Close, LastDisconnect: ended));
            if (cancellationToken.IsCancellationRequested || !ended.ShouldReconnect) return ended;
            if (session.Opened) attempt = 0;
            // The server asks for a restart right after pairing: reconnect at once to log in.
            if (ended.StatusCode == (int)DisconnectReason.RestartRequired) continue;
            var delay = _backoff.Delay(attempt++, Random.Shared.NextDouble());
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return ended;
            }
        }
    }

    // Peers start sessions with the signed pre-key the creds announce: the key store must hold it (persisted like any key).
    private async Task EnsureSignedPreKeyStoredAsync(CancellationToken cancellationToken)
    {
        if (await _keys.LoadSignedPreKeyAsync(Creds.SignedPreKey.Id).ConfigureAwait(false) is not null) return;
        var transaction = new SignalStoreTransaction(_keys);
        await transaction.StoreSignedPreKeyAsync(Creds.SignedPreKey).ConfigureAwait(false);
        await CommitAsync("signed pre-key", Creds, transaction, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the iq of <paramref name="spec"/> on the current connection and reads its answer (typed error on timeout or error).</summary>
    public Task<TResponse> QueryAsync<TResponse>(IIqSpec<TResponse> spec, CancellationToken cancellationToken = default) =>
        (_session ?? throw new ConnectionClosedException("not connected")).QueryAsync(spec, cancellationToken);

    public ValueTask SendNodeAsync(BinaryNode node, CancellationToken cancellationToken = default) =>
        (_session ?? throw new ConnectionClosedException("not connected")).SendAsync(node, cancellationToken);

    /// <summary>
    /// The devices (and LIDs) of <paramref name="users"/>, as the server lists them for message fan-out; lists fetched
    /// in the last minutes are reused (see <see cref="DeviceListCache"/>).
    /// </summary>
    public async Task<IReadOnlyList<UserDevices>> GetDevicesAsync(IEnumerable<Jid> users, CancellationToken cancellationToken = default)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        var wanted = users.Select(u => u.ToNonAd()).Distinct().ToArray();
        await _deviceLists.FetchLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var missing = wanted.Where(u => !_deviceLists.TryGet(u, out _)).ToArray();
            if (missing.Length > 0)
            {
                var sid = session.NextTag();
                var fetched = await session.QueryAsync(new UsyncDevicesSpec(sid, missing), cancellationToken).ConfigureAwait(false);
                foreach (var user in fetched) _deviceLists.Add(user);
                await LearnLidPairsAsync(fetched.Where(u => u.User.IsPnUser && u.Lid is { IsLid: true }).Select(u => new LidPair(u.User.ToNonAd(), u.Lid!.Value.ToNonAd())),
                    "usync devices", cancellationToken).ConfigureAwait(false);
                LearnContacts(fetched.Select(u => new ContactInfo(u.User, Lid: u.Lid)));
            }
        }
        finally
        {
            _deviceLists.FetchLock.Release();
        }
        // Users the server did not list are left out, as Baileys does.
        return wanted.Select(u => _deviceLists.TryGet(u, out var devices) ? devices : null).OfType<UserDevices>().ToArray();
    }

    /// <summary>Which of <paramref name="phoneNumbers"/> have a WhatsApp account (Baileys' onWhatsApp).</summary>
    public async Task<IReadOnlyList<OnWhatsAppResult>> OnWhatsAppAsync(IEnumerable<string> phoneNumbers, CancellationToken cancellationToken = default)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        var sid = session.NextTag();
        var results = await session.QueryAsync(new UsyncContactsSpec(sid, phoneNumbers), cancellationToken).ConfigureAwait(false);
        LearnContacts(results.Where(r => r.Exists).Select(r => new ContactInfo(r.Jid)));
        return results;
    }

    /// <summary>
    /// Sends a text to a user or group, with a fresh id or <paramref name="messageId"/>; completes on the server's ack
    /// (see <see cref="SendMessageAsync(Jid, Message, string?, CancellationToken)"/>). Returns the message id.
    /// </summary>
    public Task<string> SendTextAsync(Jid to, string text, string? messageId = null, CancellationToken cancellationToken = default) =>
        SendMessageAsync(to, new Message { Conversation = text }, messageId, cancellationToken);

    /// <summary>
    /// Sends any message (text, reply, reaction, edit, revoke, already uploaded media) to a user — encrypted for each
    /// of their devices and, as a device-sent copy, for our other devices — or to a group. The stanza's type, media type
    /// and edit attribute follow from the message. The id is <paramref name="messageId"/> when given (validated: a
    /// resend with the same id is one message to the receiver) or a fresh one. In a disappearing chat the content carries
    /// the chat's timer. Session changes are persisted before the
    /// stanza leaves; the task completes when the server acks it, and fails with <see cref="MessageRejectedException"/>,
    /// <see cref="ServerAckTimeoutException"/> or <see cref="ConnectionClosedException"/> when it does not.
    /// </summary>
    public Task<string> SendMessageAsync(Jid to, Message message, string? messageId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var id = messageId is null ? MessageIds.New() : MessageIds.Validate(messageId);
        var kind = OutgoingStanzaKind.Of(message);
        return to.IsGroup
            ? SendGroupMessageAsync(to, message, kind, id, cancellationToken)
            : SendDirectMessageAsync(to, InDisappearingChat(to, message), kind, id, cancellationToken);
    }

    private async Task<string> SendDirectMessageAsync(Jid to, Message message, OutgoingStanzaKind kind, string id, CancellationToken cancellationToken)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        var me = Jid.Parse((Creds.Me ?? throw new EngineException("not paired")).Id);
        var recipient = to.ToNonAd();
        // A LID chat is fanned out to our own devices by our LID too, as Baileys 7 does.
        var ownLid = OwnLid;
        var ownUser = recipient.IsLid && ownLid is { } lid ? lid.ToNonAd() : me.ToNonAd();
        var toSelf = recipient.IsSameUser(me) || (ownLid is { } l && recipient.IsSameUser(l));
        bool ThisDevice(Jid device) => device == me || device == ownLid;
        var devices = await GetDevicesAsync(toSelf ? [recipient] : [recipient, ownUser], cancellationToken).ConfigureAwait(false);
        var recipientDevices = devices.Where(d => d.User.IsSameUser(recipient)).SelectMany(d => d.Devices).Select(d => d.Jid).Where(j => !ThisDevice(j)).ToArray();
        var ownDevices = devices.Where(d => d.User.IsSameUser(ownUser) && !toSelf).SelectMany(d => d.Devices).Select(d => d.Jid)
            .Where(j => !ThisDevice(j)).ToArray();
        Task<BinaryNode> ack;
        await _signalLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = new SignalStoreTransaction(_keys);
            var stanza = await OutgoingMessage.EncryptAsync(transaction, Data, Creds, id, recipient, message, recipientDevices, ownDevices,
                missing => session.QueryAsync(new KeyBundleFetchSpec(missing), cancellationToken),
                kind.Type, kind.MediaType).ConfigureAwait(false);
            await CommitAsync("message sent", Creds, transaction, cancellationToken).ConfigureAwait(false);
            ack = await SendExpectingAckAsync(session, MessageKinds.WithEdit(stanza, kind.Edit), id, cancellationToken).ConfigureAwait(false);
            RecentSent.Add(recipient, id, message);
        }
        finally
        {
            _signalLock.Release();
        }
        // Outside the lock: the read loop needs it to decrypt, and the ack arrives through the read loop.
        await session.MessageAcks.WaitAsync(id, ack, Options.MessageAckTimeout, cancellationToken).ConfigureAwait(false);
        return id;
    }

    private static async Task<Task<BinaryNode>> SendExpectingAckAsync(ConnectionSession session, BinaryNode stanza, string id, CancellationToken cancellationToken)
    {
        var ack = session.MessageAcks.Expect(id);
        try
        {
            await session.SendAsync(stanza, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            session.MessageAcks.Cancel(id);
            throw;
        }
        return ack;
    }

    /// <summary>The dedupe keys of recently received messages (for a snapshot of the account state).</summary>
    public IReadOnlyList<string> ReceivedMessageKeys => _received.ToList();

    /// <summary>Unlinks this device from the account and ends the run with 401, as Baileys' logout does.</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        if (Creds.Me is { } me)
        {
            // Not waited for, as Baileys does: the session ends right after.
            await session.SendAsync(new RemoveCompanionDeviceSpec(me.Id).Build(session.NextTag()), cancellationToken).ConfigureAwait(false);
        }
        session.End(new DisconnectInfo((int)DisconnectReason.LoggedOut, "Intentional Logout"));
    }

    internal TimeProvider Time => _time;

    /// <summary>Held while Signal state is read and changed: decrypting, encrypting, rotating sender keys.</summary>
    internal SemaphoreSlim SignalLock => _signalLock;

    internal ISignalProtocolStore KeyStore => _keys;

    internal ReceivedMessageWindow Received => _received;

    internal DeviceListCache DeviceLists => _deviceLists;

    /// <summary>Our messages that a retry receipt may ask for again.</summary>
    internal RecentSentMessages RecentSent => LazyInitializer.EnsureInitialized(ref _recentSent, () => new RecentSentMessages(_time));

    /// <summary>The code and phone of a pairing-code request waiting for the phone's primary_hello.</summary>
    internal (string Code, Jid Phone)? PendingCode => _pendingCode;

    /// <summary>Which handler takes each stanza, shared by every connection of this engine.</summary>
    internal StanzaRouter<StanzaRoute> Stanzas { get; }

    internal INodeTransportFactory Transports => _transports;

    internal void Emit(EngineEvent engineEvent) => _events.Writer.TryWrite(engineEvent);

    /// <summary>Persists new creds (and key changes), then makes them current; the persister is the one path creds travel.</summary>
    internal async Task CommitAsync(string cause, AuthCreds creds, SignalStoreTransaction? keys, CancellationToken cancellationToken,
        IReadOnlyList<ReceivedMessage>? receivedMessages = null, AccountDataTransaction? data = null)
    {
        await _commitLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var keyChange = keys?.ToChange();
            var dataChange = data is { IsEmpty: false } ? data.ToChange() : null;
            await _persister.PersistAsync(new EngineStateChange(cause, creds, keyChange, receivedMessages, dataChange), cancellationToken).ConfigureAwait(false);
            if (keyChange is not null) await keyChange.ApplyAsync(_keys).ConfigureAwait(false);
            if (dataChange is not null) Data.Apply(dataChange);
            foreach (var message in receivedMessages ?? []) _received.Add(ReceivedMessageWindow.KeyOf(message));
            Creds = creds;
        }
        finally
        {
            _commitLock.Release();
        }
    }

    /// <summary>Persists account data alone (creds and Signal state unchanged), then applies it; nothing when it is empty.</summary>
    internal async Task CommitDataAsync(string cause, AccountDataTransaction data, CancellationToken cancellationToken)
    {
        if (data.IsEmpty) return;
        await _commitLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var change = data.ToChange();
            await _persister.PersistAsync(new EngineStateChange(cause, null, null, Data: change), cancellationToken).ConfigureAwait(false);
            Data.Apply(change);
        }
        finally
        {
            _commitLock.Release();
        }
    }

    /// <summary>Derives new creds from the current ones inside the commit lock, so two concurrent updates never lose one another.</summary>
    internal async Task UpdateCredsAsync(string cause, Func<AuthCreds, AuthCreds> change, CancellationToken cancellationToken)
    {
        AuthCreds updated;
        await _commitLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            updated = change(Creds);
            await _persister.PersistAsync(new EngineStateChange(cause, updated, null), cancellationToken).ConfigureAwait(false);
            Creds = updated;
        }
        finally
        {
            _commitLock.Release();
        }
    }

    /// <summary>Asks the server how many pre-keys it holds and tops them up (all 812 at registration).</summary>
    internal async Task UploadPreKeysIfRequiredAsync(ConnectionSession session, CancellationToken cancellationToken)
    {
        var serverCount = await session.QueryAsync(new PreKeyCountSpec(), cancellationToken).ConfigureAwait(false);
        var count = PreKeyUpload.CountToUpload(serverCount, Options.InitialPreKeyCount, Options.MinPreKeyCount);
        if (count > 0) await UploadPreKeysAsync(session, count, cancellationToken).ConfigureAwait(false);
    }

    // One upload at a time, so two triggers never hand out the same ids.
    internal async Task UploadPreKeysAsync(ConnectionSession session, int count, CancellationToken cancellationToken)
    {
        await _uploadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var batch = PreKeyUpload.Prepare(Creds, count);
            var transaction = new SignalStoreTransaction(_keys);
            foreach (var preKey in batch.PreKeys)
            {
                await transaction.StorePreKeyAsync(preKey).ConfigureAwait(false);
            }
            // Keys are durable before the server can hand them out to senders.
            await CommitAsync("pre-keys generated", batch.Creds, transaction, cancellationToken).ConfigureAwait(false);
            await session.QueryAsync(new PreKeyUploadSpec(batch.Creds, batch.PreKeys), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _uploadLock.Release();
        }
    }

    /// <summary>
    /// Asks the server to link by code instead of QR (while the QR is showing) and returns the code the user types on
    /// the phone of <paramref name="phoneNumber"/> (digits only, with country code).
    /// </summary>
    public async Task<string> RequestPairingCodeAsync(string phoneNumber, string? customCode = null, CancellationToken cancellationToken = default)
    {
        if (Creds.IsPaired) throw new EngineException("already paired: a pairing code links only a new device");
        if (phoneNumber.Length == 0 || !phoneNumber.All(char.IsAsciiDigit)) throw new ArgumentException("phone number must be digits only", nameof(phoneNumber));
        var code = customCode ?? PairingCode.Generate();
        PairingCode.Validate(code);
        var phone = new Jid(phoneNumber, JidServer.User);
        var session = _session ?? throw new ConnectionClosedException("not connected");
        _pendingCode = (code, phone);
        var wrapped = PairingCode.Wrap(code, Creds.PairingEphemeralKey.PublicKey);
        await session.QueryAsync(new CompanionHelloSpec(phone, wrapped, Creds.NoiseKey.PublicKey, Options.Browser), cancellationToken).ConfigureAwait(false);
        return code;
    }
}

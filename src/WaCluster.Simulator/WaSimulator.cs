using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Protocol.Proto;
using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.Connections;
using WaCluster.Simulator.Groups;
using WaCluster.Simulator.Media;
using WaCluster.Simulator.Pairing;
using WaCluster.Simulator.Stanzas;

namespace WaCluster.Simulator;

/// <summary>An account as the control surface reports it.</summary>
public sealed record AccountInfo(string Phone, string Jid, string Lid, string? DeviceJid = null, string? DeviceLid = null);

/// <summary>
/// The server's state and behaviour, independent of hosting: certificate chain and Noise key, the user directory,
/// connections, pairing, routing of stanzas. All state changes happen under <see cref="Gate"/>; handlers never block
/// under it (sending only queues).
/// </summary>
public sealed partial class WaSimulator
{
    private readonly Dictionary<string, PendingPairing> _pairingsByRef = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LinkCodeSession> _linkCodesByPhone = new(StringComparer.Ordinal);
    private readonly HashSet<ChatConnection> _connections = [];
    private readonly ILoggerFactory _loggerFactory;
    private long _nextConnection;
    private long _nextId;

    public WaSimulator(SimulatorOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        Options = options ?? new SimulatorOptions();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Random = new Random(Options.Seed);
        Media = new MediaStore(Options.MediaLifetime);
        Directory = new UserDirectory(Random, Options.LidAddressedUsers, user => new PhoneInbox(this, user));
        var root = Curve25519.GenerateKeyPair();
        RootPublicKey = root.PublicKey;
        StaticKey = Curve25519.GenerateKeyPair();
        CertificateChain = new CertificateChainBuilder { Root = root, LeafKey = StaticKey.PublicKey }.BuildBytes();
    }

    public SimulatorOptions Options { get; }

    public SimulatorCounters Counters { get; } = new();

    /// <summary>Encrypted media blobs uploaded through the media host.</summary>
    public MediaStore Media { get; }

    /// <summary>host:port of the HTTPS media host announced in media_conn; set by the host once it listens.</summary>
    public string? MediaHostName { get; internal set; }

    /// <summary>Public key of the test root that certifies this server; clients must trust it instead of WhatsApp's.</summary>
    public byte[] RootPublicKey { get; }

    internal KeyPair StaticKey { get; }

    internal byte[] CertificateChain { get; }

    internal object Gate { get; } = new();

    internal UserDirectory Directory { get; }

    /// <summary>Groups by id (the user part of the group JID).</summary>
    internal Dictionary<string, SimGroup> Groups { get; } = new(StringComparer.Ordinal);

    internal Random Random { get; }

    internal PrivacyTokenStore PrivacyTokens { get; } = new();

    internal static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>Serves one accepted WebSocket until it closes.</summary>
    public async Task HandleWebSocketAsync(WebSocket socket, CancellationToken stopping)
    {
        var connection = new ChatConnection(this, socket, Interlocked.Increment(ref _nextConnection), _loggerFactory.CreateLogger<ChatConnection>());
        lock (Gate) _connections.Add(connection);
        Counters.ConnectionOpened();
        await connection.RunAsync(stopping);
    }

    /// <summary>Creates a phone-only account (no companion yet).</summary>
    public AccountInfo CreateUser(string? phoneNumber = null)
    {
        lock (Gate) return Describe(Directory.Create(phoneNumber), null);
    }

    /// <summary>
    /// The phone scanning a companion's QR: links the waiting client to the account of <paramref name="phoneNumber"/>
    /// (created if new; a fresh number when null). Completes once the companion has counter-signed its identity.
    /// </summary>
    public async Task<AccountInfo> ScanAsync(string qrText, string? phoneNumber = null, CancellationToken cancellationToken = default)
    {
        var qr = PairingQr.Parse(qrText);
        PendingPairing pending;
        lock (Gate)
        {
            pending = _pairingsByRef.GetValueOrDefault(qr.Ref) ?? throw new SimulatorException($"no client is waiting with QR ref {qr.Ref}");
            PairingFlow.SendPairSuccess(this, pending, qr, phoneNumber);
        }
        var device = await pending.Linked.Task.WaitAsync(cancellationToken);
        lock (Gate) return Describe(device.User, device);
    }

    /// <summary>
    /// The phone of <paramref name="phoneNumber"/> entering the pairing code a companion displays: links the companion
    /// that asked for a code for this number (the account is created if new). Completes once the companion is linked.
    /// </summary>
    public async Task<AccountInfo> EnterPairingCodeAsync(string phoneNumber, string code, CancellationToken cancellationToken = default)
    {
        LinkCodeSession session;
        lock (Gate)
        {
            session = _linkCodesByPhone.GetValueOrDefault(phoneNumber) ?? throw new SimulatorException($"no client is waiting for a pairing code for {phoneNumber}");
            if (session.User is not null) throw new SimulatorException("the pairing code was already entered");
            session.User = Directory.FindByPhone(phoneNumber) ?? Directory.Create(phoneNumber);
        }
        // Key stretching is slow by design: done outside the state lock.
        var companionEphemeral = LinkCodeCrypto.Unwrap(code, session.WrappedCompanionEphemeral);
        var primaryEphemeral = Curve25519.GenerateKeyPair();
        var wrapped = LinkCodeCrypto.Wrap(code, primaryEphemeral.PublicKey);
        lock (Gate)
        {
            session.CompanionEphemeral = companionEphemeral;
            session.PrimaryEphemeral = primaryEphemeral;
            LinkCodeFlow.SendPrimaryHello(this, session, wrapped);
        }
        var device = await session.Pairing.Linked.Task.WaitAsync(cancellationToken);
        lock (Gate) return Describe(device.User, device);
    }

    /// <summary>Stanzas each device still owes an ack for, by device JID.</summary>
    public IReadOnlyDictionary<string, int> PendingCounts()
    {
        lock (Gate)
        {
            return Directory.Users.SelectMany(u => u.Companions.Values).ToDictionary(d => d.PnJid.ToString(), d => d.Pending.Count);
        }
    }

    /// <summary>Cuts the connection of a device (as a network drop would); false when it is not connected.</summary>
    public bool DropConnection(string deviceJid)
    {
        ChatConnection? connection;
        lock (Gate) connection = FindDevice(Jid.Parse(deviceJid))?.Connection;
        connection?.Abort();
        return connection is not null;
    }

    /// <summary>Injects faults into a device's traffic: a delay before each stanza it is sent, withheld server acks.</summary>
    public void SetFaults(string deviceJid, TimeSpan? outboundDelay = null, bool? withholdAcks = null, bool? withholdOfflineMarker = null)
    {
        lock (Gate)
        {
            var device = FindDevice(Jid.Parse(deviceJid)) ?? throw new SimulatorException($"no linked device {deviceJid}");
            if (outboundDelay is { } delay) device.Faults.OutboundDelay = delay;
            if (withholdAcks is { } withhold) device.Faults.WithholdAcks = withhold;
            if (withholdOfflineMarker is { } noMarker) device.Faults.WithholdOfflineMarker = noMarker;
        }
    }

    /// <summary>Whether peers see the account of <paramref name="phoneNumber"/> by LID (true) or by phone number.</summary>
    public void SetAddressing(string phoneNumber, bool byLid)
    {
        lock (Gate)
        {
            var user = Directory.FindByPhone(phoneNumber) ?? throw new SimulatorException($"no user {phoneNumber}");
            user.AddressedByLid = byLid;
        }
    }

    /// <summary>Cuts every connection (used when the host stops).</summary>
    public void DropAll()
    {
        ChatConnection[] all;
        lock (Gate) all = [.. _connections];
        foreach (var connection in all) connection.Abort();
    }

    internal string NewStanzaId() => "sim." + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal string NewRef()
    {
        Span<byte> bytes = stackalloc byte[18];
        Random.NextBytes(bytes);
        return "2@" + Convert.ToBase64String(bytes);
    }

    internal void RegisterPairing(PendingPairing pending)
    {
        foreach (var reference in pending.Refs) _pairingsByRef[reference] = pending;
    }

    internal void ForgetPairing(PendingPairing pending)
    {
        foreach (var reference in pending.Refs) _pairingsByRef.Remove(reference);
        if (pending.LinkCode is { } session) ForgetLinkCode(session);
    }

    internal void RegisterLinkCode(LinkCodeSession session)
    {
        if (_linkCodesByPhone.TryGetValue(session.PhoneNumber, out var older) && older != session) older.Pairing.LinkCode = null;
        _linkCodesByPhone[session.PhoneNumber] = session;
    }

    internal void ForgetLinkCode(LinkCodeSession session)
    {
        if (_linkCodesByPhone.GetValueOrDefault(session.PhoneNumber) == session) _linkCodesByPhone.Remove(session.PhoneNumber);
    }

    /// <summary>A companion device, or null for unknown ones and for device 0 (the phone).</summary>
    internal SimDevice? FindDevice(Jid jid) =>
        Directory.Find(jid) is { } user && user.Companions.TryGetValue(jid.Device, out var device) ? device : null;

    internal void OnClientPayload(ChatConnection connection, ClientPayload payload, byte[] clientStatic)
    {
        lock (Gate) LoginFlow.Handle(this, connection, payload, clientStatic);
    }

    internal void Dispatch(ChatConnection connection, BinaryNode node)
    {
        lock (Gate)
        {
            ClientStanzaObserver?.Invoke(connection, node);
            // After a stream error the connection only lingers for the client to hang up.
            if (!connection.IsClosing) StanzaRouter.Route(this, connection, node);
        }
    }

    /// <summary>
    /// The phone of <paramref name="phoneNumber"/> sends <paramref name="text"/> to <paramref name="to"/> (a user JID):
    /// every linked device of the recipient gets it, the sender's own companions get the device-sent copy. Returns the id.
    /// </summary>
    public Task<string> PhoneSendTextAsync(string phoneNumber, string to, string text) =>
        PhoneSendAsync(phoneNumber, to, new Message { Conversation = text }, "text");

    /// <summary>The phone sends <paramref name="message"/> as <see cref="PhoneSendTextAsync"/> sends a text; returns the id.</summary>
    internal async Task<string> PhoneSendAsync(string phoneNumber, string to, Message message, string stanzaType, string? id = null)
    {
        var chat = Jid.Parse(to).ToUserJid();
        SimUser sender;
        List<PhoneSender.Target> targets;
        lock (Gate)
        {
            sender = Directory.FindByPhone(phoneNumber) ?? throw new SimulatorException($"no user {phoneNumber}");
            var recipient = Directory.Find(chat) ?? throw new SimulatorException($"{to} is not on WhatsApp");
            targets = [.. recipient.Companions.Values.Select(d => new PhoneSender.Target(d, PhoneSender.BundleOf(d.Keys), OwnDevice: false))];
            if (recipient != sender) targets.AddRange(sender.Companions.Values.Select(d => new PhoneSender.Target(d, PhoneSender.BundleOf(d.Keys), OwnDevice: true)));
            id ??= NewMessageId();
        }
        var encrypted = await PhoneSender.EncryptAsync(sender.Phone, targets, chat, message, Random.Shared);
        lock (Gate)
        {
            var now = Now;
            foreach (var (target, enc) in encrypted)
            {
                var lid = chat.IsLid || (!target.OwnDevice && sender.AddressedByLid);
                var stanza = new BinaryNode("message",
                [
                    ("from", sender.DeviceJid(0, lid)),
                    ("id", id),
                    ("t", ServerNodes.Timestamp(now)),
                    ("type", stanzaType),
                    (lid ? "sender_pn" : "sender_lid", sender.DeviceJid(0, !lid)),
                    ("recipient", target.OwnDevice ? chat.ToString() : null),
                    ("notify", sender.PushName),
                ], [enc]);
                target.Device.Deliver(new PendingStanza(id, "message", stanza));
            }
        }
        return id;
    }

    /// <summary>A message id as the phone makes them. Called under <see cref="Gate"/> (the seeded random is not thread-safe).</summary>
    internal string NewMessageId()
    {
        Span<byte> random = stackalloc byte[8];
        Random.NextBytes(random);
        return "3EB0" + Convert.ToHexString(random);
    }

    /// <summary>Texts the phone of <paramref name="phoneNumber"/> decrypted, in arrival order.</summary>
    public IReadOnlyList<PhoneMessage> PhoneMessages(string phoneNumber)
    {
        lock (Gate) return Directory.FindByPhone(phoneNumber)?.PhoneMessages ?? [];
    }

    /// <summary>The phone decrypted a message: a delivery receipt goes to the sender's devices, from the phone.</summary>
    internal void OnPhoneDelivered(SimUser phoneOwner, SimDevice sender, BinaryNode stanza)
    {
        lock (Gate)
        {
            var lid = stanza.GetJid("from") is { IsLid: true };
            var id = stanza.RequireAttribute("id");
            var receipt = new BinaryNode("receipt", [("from", phoneOwner.DeviceJid(0, lid)), ("id", id), ("t", ServerNodes.Timestamp(Now))]);
            foreach (var device in sender.User.Companions.Values) device.Deliver(new PendingStanza(id, "receipt", receipt));
        }
    }

    internal void OnDisconnected(ChatConnection connection)
    {
        lock (Gate)
        {
            if (!_connections.Remove(connection)) return;
            if (connection.Device is { } device)
            {
                if (device.Connection == connection) device.Connection = null;
                device.User.PresenceSubscribers.Remove(device);
            }
            if (connection.Pairing is { } pending)
            {
                ForgetPairing(pending);
                pending.Linked.TrySetException(new SimulatorException("the companion disconnected before pairing completed"));
            }
        }
        Counters.ConnectionClosed();
    }

    internal static AccountInfo Describe(SimUser user, SimDevice? device) =>
        new(user.PhoneNumber, user.PnJid.ToString(), user.LidJid.ToString(), device?.PnJid.ToString(), device?.LidJid.ToString());
}

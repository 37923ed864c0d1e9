using System.Collections.Frozen;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using WaCluster.Contracts.Proto;

namespace WaCluster.Contracts.Serialization;

/// <summary>
/// Protobuf serializer for every <see cref="IWaClusterMessage"/>. The manifest is a short, stable code per message
/// type: it is written into journals, so a code is never reused or renamed.
/// </summary>
public sealed class WaClusterSerializer : SerializerWithStringManifest
{
    public const int SerializerId = 610;

    /// <summary>
    /// HOCON that registers the serializer and binds it to the marker interface and to every message type: the
    /// types are generated protobuf messages, and Akka.Remote binds <see cref="IMessage"/> to its own serializer,
    /// so only a binding of the concrete type is sure to win.
    /// </summary>
    public static string Hocon => $$"""
        akka.actor {
          serializers.wacluster = "{{typeof(WaClusterSerializer).AssemblyQualifiedName}}"
          serialization-bindings {
            "{{typeof(IWaClusterMessage).AssemblyQualifiedName}}" = wacluster
        {{string.Join("\n", Registry.Select(entry => $"    \"{entry.Type.AssemblyQualifiedName}\" = wacluster"))}}
          }
          serialization-settings.json.converters = ["{{typeof(ByteStringJsonConverter).AssemblyQualifiedName}}"]
        }
        """;

    private static readonly (string Manifest, Type Type, MessageParser Parser)[] Registry =
    [
        ("c-start", typeof(StartAccount), StartAccount.Parser),
        ("c-pair-code", typeof(RequestPairingCode), RequestPairingCode.Parser),
        ("c-send-text", typeof(SendText), SendText.Parser),
        ("c-send", typeof(SendMessage), SendMessage.Parser),
        ("c-mark-read", typeof(MarkRead), MarkRead.Parser),
        ("c-presence", typeof(SendPresence), SendPresence.Parser),
        ("c-group", typeof(GroupOperation), GroupOperation.Parser),
        ("c-logout", typeof(LogOut), LogOut.Parser),
        ("c-status", typeof(GetAccountStatus), GetAccountStatus.Parser),
        ("c-disconnect", typeof(DisconnectAccount), DisconnectAccount.Parser),
        ("c-connect", typeof(ConnectAccount), ConnectAccount.Parser),
        ("r-accepted", typeof(CommandAccepted), CommandAccepted.Parser),
        ("r-rejected", typeof(CommandRejected), CommandRejected.Parser),
        ("r-status", typeof(AccountStatus), AccountStatus.Parser),
        ("r-group", typeof(GroupOperationResult), GroupOperationResult.Parser),
        ("e-sent", typeof(SendCompleted), SendCompleted.Parser),
        ("e-conn", typeof(ConnectionChanged), ConnectionChanged.Parser),
        ("e-pair-code", typeof(PairingCodeIssued), PairingCodeIssued.Parser),
        ("e-qr", typeof(QrCodeIssued), QrCodeIssued.Parser),
        ("e-msg", typeof(MessageReceived), MessageReceived.Parser),
        ("e-status", typeof(MessageStatusChanged), MessageStatusChanged.Parser),
        ("e-group", typeof(GroupChanged), GroupChanged.Parser),
        ("e-group-joined", typeof(GroupJoined), GroupJoined.Parser),
        ("e-presence", typeof(PresenceChanged), PresenceChanged.Parser),
        ("e-contacts", typeof(ContactsChanged), ContactsChanged.Parser),
        ("e-history", typeof(HistoryChunkSynced), HistoryChunkSynced.Parser),
        ("e-lid-mapping", typeof(LidMappingUpdated), LidMappingUpdated.Parser),
        ("l-state", typeof(LinkStateChanged), LinkStateChanged.Parser),
        ("l-state-ok", typeof(LinkStatePersisted), LinkStatePersisted.Parser),
        ("l-send", typeof(LinkSend), LinkSend.Parser),
        ("l-srv-ack", typeof(LinkServerAck), LinkServerAck.Parser),
        ("l-send-rejected", typeof(LinkSendRejected), LinkSendRejected.Parser),
        ("l-conn", typeof(LinkConnectionChanged), LinkConnectionChanged.Parser),
        ("l-qr", typeof(LinkQrIssued), LinkQrIssued.Parser),
        ("intent", typeof(SendIntent), SendIntent.Parser),
        ("j-creds", typeof(CredsStored), CredsStored.Parser),
        ("j-signal", typeof(SignalStateStored), SignalStateStored.Parser),
        ("j-data", typeof(AccountDataStored), AccountDataStored.Parser),
        ("j-intent", typeof(SendIntentStored), SendIntentStored.Parser),
        ("j-intent-done", typeof(SendIntentCompleted), SendIntentCompleted.Parser),
        ("j-in", typeof(InboundStored), InboundStored.Parser),
        ("j-started", typeof(AccountStarted), AccountStarted.Parser),
        ("j-logout", typeof(AccountLoggedOut), AccountLoggedOut.Parser),
        ("j-disconnected", typeof(AccountDisconnected), AccountDisconnected.Parser),
        ("j-snapshot", typeof(AccountSnapshot), AccountSnapshot.Parser),
    ];

    private static readonly FrozenDictionary<Type, string> ManifestByType =
        Registry.ToFrozenDictionary(entry => entry.Type, entry => entry.Manifest);

    private static readonly FrozenDictionary<string, MessageParser> ParserByManifest =
        Registry.ToFrozenDictionary(entry => entry.Manifest, entry => entry.Parser, StringComparer.Ordinal);

    public WaClusterSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => SerializerId;

    /// <summary>Every message type the serializer knows (for tests and documentation).</summary>
    public static IEnumerable<Type> KnownTypes => Registry.Select(entry => entry.Type);

    public override string Manifest(object o) =>
        ManifestByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType()} is not a registered WaCluster message", nameof(o));

    public override byte[] ToBinary(object obj) =>
        obj is IMessage message && ManifestByType.ContainsKey(obj.GetType())
            ? message.ToByteArray()
            : throw new ArgumentException($"{obj.GetType()} is not a registered WaCluster message", nameof(obj));

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!ParserByManifest.TryGetValue(manifest, out var parser))
        {
            throw new SerializationException($"Unknown WaCluster manifest '{manifest}'");
        }
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SerializationException($"Malformed WaCluster message for manifest '{manifest}'", e);
        }
    }
}

using Google.Protobuf;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Proto;
using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.AppState;
using WaCluster.Simulator.Stanzas;

namespace WaCluster.Simulator;

/// <summary>
/// App state ("syncd"): the server's collections of each account and its phone, which holds the app state sync key,
/// seeds the state and shares the key with every companion it links and with any that asks for it.
/// </summary>
public sealed partial class WaSimulator
{
    private readonly Dictionary<SimUser, UserAppState> _appStates = [];

    /// <summary>The version of each app state collection of <paramref name="phoneNumber"/>'s account.</summary>
    public IReadOnlyDictionary<string, ulong> AppStateVersions(string phoneNumber)
    {
        lock (Gate) return AppStateOf(Directory.FindByPhone(phoneNumber) ?? throw new SimulatorException($"no user {phoneNumber}")).Versions;
    }

    /// <summary>The account's app state, seeded by its phone on first use. Called under <see cref="Gate"/>.</summary>
    internal UserAppState AppStateOf(SimUser user)
    {
        if (_appStates.TryGetValue(user, out var state)) return state;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var phone = new PhoneAppState(Random, user.AdvRawId, now);
        state = new UserAppState(phone, phone.SeedPatches(Options.AppStateSeed, user.PushName ?? "Phone " + user.PhoneNumber, now, Random));
        _appStates.Add(user, state);
        return state;
    }

    /// <summary>
    /// The phone sends <paramref name="companion"/> an APP_STATE_SYNC_KEY_SHARE with its key (all keys when
    /// <paramref name="requested"/> is null, else those of the requested ids it holds), as a peer message from device 0.
    /// </summary>
    internal async Task PhoneShareAppStateKeysAsync(SimDevice companion, IReadOnlyCollection<ByteString>? requested)
    {
        var user = companion.User;
        PhoneSender.Target target;
        Message message;
        string id;
        lock (Gate)
        {
            var key = AppStateOf(user).Phone.Key;
            var share = new Message.Types.AppStateSyncKeyShare();
            if (requested is null || requested.Contains(key.KeyId.KeyId)) share.Keys.Add(key);
            message = new Message
            {
                ProtocolMessage = new Message.Types.ProtocolMessage { Type = Message.Types.ProtocolMessage.Types.Type.AppStateSyncKeyShare, AppStateSyncKeyShare = share },
            };
            // Not a device-sent copy of a chat message: the share is addressed to the companion itself.
            target = new PhoneSender.Target(companion, PhoneSender.BundleOf(companion.Keys), OwnDevice: false);
            id = NewMessageId();
        }
        var encrypted = await PhoneSender.EncryptAsync(user.Phone, [target], user.PnJid, message, Random.Shared);
        lock (Gate)
        {
            foreach (var (_, enc) in encrypted)
            {
                companion.Deliver(new PendingStanza(id, "message", new BinaryNode("message",
                [
                    ("from", user.DeviceJid(0, lid: false)),
                    ("id", id),
                    ("t", ServerNodes.Timestamp(Now)),
                    ("type", "text"),
                    ("category", "peer"),
                    ("push_priority", "high_force"),
                ], [enc])));
            }
        }
    }
}

using Google.Protobuf;
using WaCluster.Core.Creds;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using ProtocolType = WaCluster.Protocol.Proto.Message.Types.ProtocolMessage.Types.Type;

namespace WaCluster.Core.AppState;

/// <summary>
/// App state sync keys travel between our own devices only: our primary shares them (<c>APP_STATE_SYNC_KEY_SHARE</c>)
/// and a companion missing one asks for it (<c>APP_STATE_SYNC_KEY_REQUEST</c>, sent as a peer message to our own user).
/// </summary>
public static class AppStateKeyShares
{
    /// <summary>
    /// Whether <paramref name="sender"/> is our primary phone (our user, PN or LID, device 0): a share from anyone
    /// else, another companion of ours included, would let it choose the keys our collections are verified with.
    /// </summary>
    public static bool IsFromOwnPrimary(Jid sender, Contact me)
    {
        if (sender.Device != 0) return false;
        return (Jid.TryParse(me.Id, out var pn) && sender.IsPnUser && sender.IsSameUser(pn))
            || (Jid.TryParse(me.Lid, out var lid) && sender.IsLid && sender.IsSameUser(lid));
    }

    /// <summary>The key share a message carries, or null when it is no key share.</summary>
    public static Message.Types.AppStateSyncKeyShare? ShareOf(Message message) =>
        message.ProtocolMessage is { Type: ProtocolType.AppStateSyncKeyShare, AppStateSyncKeyShare: { } share } ? share : null;

    /// <summary>The peer message that asks our primary for the keys of <paramref name="keyIds"/>.</summary>
    public static Message Request(IEnumerable<byte[]> keyIds)
    {
        var request = new Message.Types.AppStateSyncKeyRequest();
        request.KeyIds.AddRange(keyIds.Select(id => new Message.Types.AppStateSyncKeyId { KeyId = ByteString.CopyFrom(id) }));
        if (request.KeyIds.Count == 0) throw new ArgumentException("a key request names at least one key id", nameof(keyIds));
        return new Message
        {
            ProtocolMessage = new Message.Types.ProtocolMessage { Type = ProtocolType.AppStateSyncKeyRequest, AppStateSyncKeyRequest = request },
        };
    }
}

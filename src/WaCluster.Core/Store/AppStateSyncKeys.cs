using Google.Protobuf;
using WaCluster.Core.AppState;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.Store;

/// <summary>
/// The app state sync keys our primary shared with this device, by key id (base64): each one's key data,
/// fingerprint and timestamp as the share carried them (an <c>AppStateSyncKeyData</c>), and the id of the key
/// the latest share ended with, the one our own patches are encrypted with.
/// </summary>
public sealed class AppStateSyncKeys(IAccountDataReader data)
{
    public const string Kind = "app-state-sync-key";

    /// <summary>Holds the id of the latest shared key under <see cref="LatestKey"/>.</summary>
    public const string LatestKind = "app-state-sync-key-latest";

    private const string LatestKey = "id";

    /// <summary>The shared data of <paramref name="keyId"/>, or null when no share carried it.</summary>
    public Message.Types.AppStateSyncKeyData? Find(ReadOnlySpan<byte> keyId)
    {
        if (!data.TryGet(Kind, Convert.ToBase64String(keyId), out var stored)) return null;
        try
        {
            return Message.Types.AppStateSyncKeyData.Parser.ParseFrom(stored);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new AccountDataFormatException("a stored app state sync key is not an AppStateSyncKeyData", error);
        }
    }

    /// <summary>The expanded keys of a key id, for verifying and decrypting records (null for an unknown id).</summary>
    public AppStateKeys? Lookup(ReadOnlySpan<byte> keyId) => Find(keyId) is { } key ? AppStateKeys.Expand(key.KeyData.Span) : null;

    /// <summary>The id of the key the latest share ended with, or null before any share.</summary>
    public byte[]? LatestKeyId => data.TryGet(LatestKind, LatestKey, out var id) ? id : null;

    /// <summary>Stages every key of <paramref name="share"/> and makes its last key the latest; returns the ids stored.</summary>
    /// <exception cref="AppStateException">A key without its id or with key data that is not 32 bytes; nothing is staged.</exception>
    public static IReadOnlyList<byte[]> Store(AccountDataTransaction transaction, Message.Types.AppStateSyncKeyShare share)
    {
        var keys = share.Keys.Select(key =>
            key.KeyId is { HasKeyId: true, KeyId.Length: > 0 } && key.KeyData is { HasKeyData: true, KeyData.Length: AppStateKeys.KeyLength }
                ? (Id: key.KeyId.KeyId.ToByteArray(), Data: key.KeyData)
                : throw new AppStateException(AppStateError.Truncated, "a shared app state sync key needs its id and 32 bytes of key data")).ToList();
        foreach (var (id, keyData) in keys) transaction.Set(Kind, Convert.ToBase64String(id), keyData.ToByteArray());
        if (keys.Count > 0) transaction.Set(LatestKind, LatestKey, keys[^1].Id);
        return keys.Select(key => key.Id).ToList();
    }
}

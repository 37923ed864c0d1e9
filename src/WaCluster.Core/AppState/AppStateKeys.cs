using WaCluster.Protocol.Crypto;

namespace WaCluster.Core.AppState;

/// <summary>
/// The five keys WhatsApp expands from one 32-byte app state sync key: HKDF-SHA256 without salt, info
/// "WhatsApp Mutation Keys", 160 bytes cut in five in this order.
/// </summary>
public sealed class AppStateKeys
{
    public const int KeyLength = 32;

    private static readonly byte[] s_info = "WhatsApp Mutation Keys"u8.ToArray();

    private AppStateKeys(byte[] expanded)
    {
        Index = expanded[..KeyLength];
        ValueEncryption = expanded[KeyLength..(2 * KeyLength)];
        ValueMac = expanded[(2 * KeyLength)..(3 * KeyLength)];
        SnapshotMac = expanded[(3 * KeyLength)..(4 * KeyLength)];
        PatchMac = expanded[(4 * KeyLength)..];
    }

    /// <summary>HMAC-SHA256 key of a record's JSON index (the index MAC names the record).</summary>
    public byte[] Index { get; }

    /// <summary>AES-256-CBC key of a record's SyncActionData.</summary>
    public byte[] ValueEncryption { get; }

    /// <summary>HMAC-SHA512 key of a record's value (truncated to 32 bytes).</summary>
    public byte[] ValueMac { get; }

    public byte[] SnapshotMac { get; }

    public byte[] PatchMac { get; }

    public static AppStateKeys Expand(ReadOnlySpan<byte> keyData)
    {
        var expanded = new byte[5 * KeyLength];
        HkdfSha256.DeriveKey(keyData, expanded, [], s_info);
        return new AppStateKeys(expanded);
    }
}

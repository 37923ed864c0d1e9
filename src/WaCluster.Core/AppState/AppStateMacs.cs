using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.AppState;

/// <summary>The MACs that bind app state records, snapshots and patches to their key, version and collection.</summary>
public static class AppStateMacs
{
    public const int MacLength = 32;

    /// <summary>
    /// HMAC-SHA512 over the operation byte (SET 1, REMOVE 2), the key id, IV and ciphertext, and an 8-byte big-endian
    /// trailer holding the length of operation byte plus key id; the first 32 bytes are the value MAC.
    /// </summary>
    public static byte[] ValueMac(SyncdMutation.Types.SyncdOperation operation, ReadOnlySpan<byte> keyId, ReadOnlySpan<byte> ivAndCiphertext, ReadOnlySpan<byte> valueMacKey)
    {
        var message = new byte[1 + keyId.Length + ivAndCiphertext.Length + sizeof(ulong)];
        message[0] = operation == SyncdMutation.Types.SyncdOperation.Remove ? (byte)2 : (byte)1;
        keyId.CopyTo(message.AsSpan(1));
        ivAndCiphertext.CopyTo(message.AsSpan(1 + keyId.Length));
        BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(message.Length - sizeof(ulong)), (ulong)(1 + keyId.Length));
        return HMACSHA512.HashData(valueMacKey, message)[..MacLength];
    }

    public static byte[] IndexMac(ReadOnlySpan<byte> index, ReadOnlySpan<byte> indexKey) => HMACSHA256.HashData(indexKey, index);

    /// <summary>HMAC-SHA256 over the LTHash, the version as 64-bit big-endian and the collection name.</summary>
    public static byte[] SnapshotMac(ReadOnlySpan<byte> ltHash, ulong version, string collection, ReadOnlySpan<byte> snapshotMacKey)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, snapshotMacKey);
        hmac.AppendData(ltHash);
        AppendVersionAndName(hmac, version, collection);
        return hmac.GetHashAndReset();
    }

    /// <summary>HMAC-SHA256 over the snapshot MAC, each mutation's value MAC in order, the version and the collection name.</summary>
    public static byte[] PatchMac(ReadOnlySpan<byte> snapshotMac, IEnumerable<byte[]> valueMacs, ulong version, string collection, ReadOnlySpan<byte> patchMacKey)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, patchMacKey);
        hmac.AppendData(snapshotMac);
        foreach (var valueMac in valueMacs)
        {
            hmac.AppendData(valueMac);
        }
        AppendVersionAndName(hmac, version, collection);
        return hmac.GetHashAndReset();
    }

    private static void AppendVersionAndName(IncrementalHash hmac, ulong version, string collection)
    {
        Span<byte> versionBytes = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(versionBytes, version);
        hmac.AppendData(versionBytes);
        hmac.AppendData(Encoding.UTF8.GetBytes(collection));
    }
}

using Google.Protobuf;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.AppState;

/// <summary>The keys of a key id, or null when this device does not hold that app state sync key.</summary>
public delegate AppStateKeys? AppStateKeyLookup(ReadOnlySpan<byte> keyId);

/// <summary>One verified, decrypted mutation.</summary>
public sealed record DecodedMutation(
    SyncdMutation.Types.SyncdOperation Operation,
    SyncActionData Data,
    IReadOnlyList<string> Index,
    byte[] IndexMac,
    byte[] ValueMac);

/// <summary>
/// Encrypting and MACing a SyncActionData into a record, and the reverse with every MAC verified. A value blob is
/// IV (16) + AES-256-CBC ciphertext (PKCS#7) + value MAC (32); the index blob is the index MAC (32).
/// </summary>
public static class AppStateRecords
{
    public const int IvLength = AesCbcCipher.BlockLength;

    private const int ShortestValueBlob = IvLength + AesCbcCipher.BlockLength + AppStateMacs.MacLength;

    public static SyncdMutation Encode(
        SyncdMutation.Types.SyncdOperation operation,
        SyncActionData data,
        ReadOnlySpan<byte> keyId,
        AppStateKeys keys,
        ReadOnlySpan<byte> iv)
    {
        if (iv.Length != IvLength)
        {
            throw new ArgumentException($"the IV is {IvLength} bytes", nameof(iv));
        }
        var plaintext = data.ToByteArray();
        var ciphertextLength = Aes256CbcCipher.CiphertextLength(plaintext.Length);
        var blob = new byte[IvLength + ciphertextLength + AppStateMacs.MacLength];
        iv.CopyTo(blob);
        Aes256CbcCipher.Encrypt(keys.ValueEncryption, iv, plaintext, blob.AsSpan(IvLength));
        var encrypted = blob.AsSpan(0, IvLength + ciphertextLength);
        AppStateMacs.ValueMac(operation, keyId, encrypted, keys.ValueMac).CopyTo(blob.AsSpan(encrypted.Length));
        var keyIdBytes = ByteString.CopyFrom(keyId);
        return new SyncdMutation
        {
            Operation = operation,
            Record = new SyncdRecord
            {
                Index = new SyncdIndex { Blob = ByteString.CopyFrom(AppStateMacs.IndexMac(data.Index.Span, keys.Index)) },
                Value = new SyncdValue { Blob = ByteString.CopyFrom(blob) },
                KeyId = new KeyId { Id = keyIdBytes },
            },
        };
    }

    /// <summary>Verifies the value MAC, decrypts, then verifies the index MAC against the decrypted index.</summary>
    public static DecodedMutation Decode(SyncdMutation mutation, AppStateKeyLookup keyLookup)
    {
        var operation = mutation.HasOperation ? mutation.Operation : SyncdMutation.Types.SyncdOperation.Set;
        var record = mutation.Record;
        if (record?.Index is not { HasBlob: true } || record.Value is not { HasBlob: true } || record.KeyId is not { HasId: true })
        {
            throw new AppStateException(AppStateError.Truncated, "an app state record needs its index, value and key id");
        }
        var keyId = record.KeyId.Id.Span;
        var keys = keyLookup(keyId) ?? throw new AppStateException(AppStateError.UnknownKeyId, "no app state sync key for this record's key id");
        var indexMac = record.Index.Blob.Span;
        var blob = record.Value.Blob.Span;
        if (indexMac.Length != AppStateMacs.MacLength || blob.Length < ShortestValueBlob
            || (blob.Length - IvLength - AppStateMacs.MacLength) % AesCbcCipher.BlockLength != 0)
        {
            throw new AppStateException(AppStateError.Truncated, $"an app state record has a {indexMac.Length}-byte index MAC and a {blob.Length}-byte value");
        }
        var encrypted = blob[..^AppStateMacs.MacLength];
        var valueMac = blob[^AppStateMacs.MacLength..];
        if (!FixedTimeEquals(AppStateMacs.ValueMac(operation, keyId, encrypted, keys.ValueMac), valueMac))
        {
            throw new AppStateException(AppStateError.WrongValueMac, "an app state record's value MAC does not match");
        }
        byte[] plaintext;
        try
        {
            plaintext = Aes256CbcCipher.Decrypt(keys.ValueEncryption, encrypted[..IvLength], encrypted[IvLength..]);
        }
        catch (CryptoException error)
        {
            throw new AppStateException(AppStateError.BadPadding, "an app state record's value has bad padding", error);
        }
        SyncActionData data;
        try
        {
            data = SyncActionData.Parser.ParseFrom(plaintext);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new AppStateException(AppStateError.MalformedAction, "an app state record's value is not a SyncActionData", error);
        }
        if (!FixedTimeEquals(AppStateMacs.IndexMac(data.Index.Span, keys.Index), indexMac))
        {
            throw new AppStateException(AppStateError.WrongIndexMac, "an app state record's index MAC does not match its index");
        }
        return new DecodedMutation(operation, data, AppStateIndex.Decode(data.Index.Span), indexMac.ToArray(), valueMac.ToArray());
    }

    private static bool FixedTimeEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(left, right);
}

using System.Security.Cryptography;
using Google.Protobuf;
using WaCluster.Protocol.Crypto;
using WaCluster.Signal.Keys;

namespace WaCluster.Signal.Messages;

/// <summary>
/// A v3 ratchet message ("msg"): version byte, protobuf body, then the first 8 bytes of
/// HMAC-SHA256(macKey, senderIdentity ‖ receiverIdentity ‖ version byte ‖ body).
/// </summary>
public sealed class WhisperMessage
{
    public const int MacLength = 8;


    private readonly byte[] _serialized;

    private WhisperMessage(byte[] serialized, byte[] senderRatchetKey, uint counter, uint previousCounter, byte[] ciphertext)
    {
        _serialized = serialized;
        SenderRatchetKey = senderRatchetKey;
        Counter = counter;
        PreviousCounter = previousCounter;
        Ciphertext = ciphertext;
    }

    /// <summary>The sender's current ratchet public key, 0x05-prefixed.</summary>
    public byte[] SenderRatchetKey { get; }

    public uint Counter { get; }

    public uint PreviousCounter { get; }

    public byte[] Ciphertext { get; }

    public byte[] Serialize() => (byte[])_serialized.Clone();

    internal byte[] SerializedBytes => _serialized;

    public static WhisperMessage Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 1 + MacLength)
        {
            throw new InvalidMessageException($"whisper message of {bytes.Length} bytes is too short");
        }
        MessageVersion.Check(bytes[0], "whisper message");
        Proto.WhisperMessage body;
        try
        {
            body = Proto.WhisperMessage.Parser.ParseFrom(bytes[1..^MacLength]);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidMessageException("whisper message body is not valid protobuf", ex);
        }
        if (!body.HasEphemeralKey || !body.HasCiphertext)
        {
            throw new InvalidMessageException("whisper message lacks its ratchet key or ciphertext");
        }
        byte[] ratchetKey;
        try
        {
            ratchetKey = PublicKeys.RequirePrefixed(body.EphemeralKey.Span, "whisper message ratchet key");
        }
        catch (InvalidKeyException ex)
        {
            throw new InvalidMessageException(ex.Message, ex);
        }
        return new WhisperMessage(bytes.ToArray(), ratchetKey, body.Counter, body.PreviousCounter, body.Ciphertext.ToByteArray());
    }

    internal static WhisperMessage Create(byte[] senderRatchetKey, uint counter, uint previousCounter, byte[] ciphertext,
        ReadOnlySpan<byte> macKey, IdentityKey sender, IdentityKey receiver)
    {
        var body = new Proto.WhisperMessage
        {
            EphemeralKey = UnsafeByteOperations.UnsafeWrap(senderRatchetKey),
            Counter = counter,
            PreviousCounter = previousCounter,
            Ciphertext = UnsafeByteOperations.UnsafeWrap(ciphertext),
        };
        var bodyLength = body.CalculateSize();
        var serialized = new byte[1 + bodyLength + MacLength];
        serialized[0] = MessageVersion.Byte;
        body.WriteTo(serialized.AsSpan(1, bodyLength));
        ComputeMac(sender, receiver, serialized.AsSpan(1, bodyLength), macKey, serialized.AsSpan(1 + bodyLength));
        return new WhisperMessage(serialized, senderRatchetKey, counter, previousCounter, ciphertext);
    }

    /// <summary>Constant-time check of the truncated MAC for a message <paramref name="sender"/> sent to <paramref name="receiver"/>.</summary>
    internal bool HasValidMac(IdentityKey sender, IdentityKey receiver, ReadOnlySpan<byte> macKey)
    {
        Span<byte> expected = stackalloc byte[MacLength];
        ComputeMac(sender, receiver, _serialized.AsSpan(1, _serialized.Length - 1 - MacLength), macKey, expected);
        return CryptographicOperations.FixedTimeEquals(expected, _serialized.AsSpan(_serialized.Length - MacLength));
    }

    private static void ComputeMac(IdentityKey sender, IdentityKey receiver, ReadOnlySpan<byte> body, ReadOnlySpan<byte> macKey, Span<byte> mac)
    {
        var hmac = HmacSha256Key.Create(macKey).Start();
        hmac.Append(sender.Span);
        hmac.Append(receiver.Span);
        hmac.Append([MessageVersion.Byte]);
        hmac.Append(body);
        Span<byte> full = stackalloc byte[HmacSha256Key.MacLength];
        hmac.Finish(full);
        full[..MacLength].CopyTo(mac);
    }
}

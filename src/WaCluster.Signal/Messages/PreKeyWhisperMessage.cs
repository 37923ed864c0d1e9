using Google.Protobuf;
using WaCluster.Signal.Keys;

namespace WaCluster.Signal.Messages;

/// <summary>
/// The session-opening message ("pkmsg"): version byte, then a protobuf carrying the sender's identity, base key,
/// the ids of our pre-keys it used and the first <see cref="WhisperMessage"/>. Not MACed itself: the inner message is.
/// </summary>
public sealed class PreKeyWhisperMessage
{
    private readonly byte[] _serialized;

    private PreKeyWhisperMessage(byte[] serialized, uint registrationId, uint? preKeyId, uint signedPreKeyId,
        byte[] baseKey, IdentityKey identityKey, WhisperMessage message)
    {
        _serialized = serialized;
        RegistrationId = registrationId;
        PreKeyId = preKeyId;
        SignedPreKeyId = signedPreKeyId;
        BaseKey = baseKey;
        IdentityKey = identityKey;
        Message = message;
    }

    public uint RegistrationId { get; }

    /// <summary>The one-time pre-key used, if any. Id 0 means none, as libsignal reads it.</summary>
    public uint? PreKeyId { get; }

    public uint SignedPreKeyId { get; }

    /// <summary>The initiator's X3DH base key, 0x05-prefixed; it names the session.</summary>
    public byte[] BaseKey { get; }

    public IdentityKey IdentityKey { get; }

    public WhisperMessage Message { get; }

    public byte[] Serialize() => (byte[])_serialized.Clone();

    internal byte[] SerializedBytes => _serialized;

    public static PreKeyWhisperMessage Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2)
        {
            throw new InvalidMessageException($"pre-key message of {bytes.Length} bytes is too short");
        }
        MessageVersion.Check(bytes[0], "pre-key message");
        Proto.PreKeyWhisperMessage body;
        try
        {
            body = Proto.PreKeyWhisperMessage.Parser.ParseFrom(bytes[1..]);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidMessageException("pre-key message body is not valid protobuf", ex);
        }
        if (!body.HasBaseKey || !body.HasIdentityKey || !body.HasMessage || !body.HasSignedPreKeyId)
        {
            throw new InvalidMessageException("pre-key message lacks its base key, identity, signed pre-key id or message");
        }
        byte[] baseKey;
        IdentityKey identity;
        try
        {
            baseKey = PublicKeys.RequirePrefixed(body.BaseKey.Span, "pre-key message base key");
            identity = IdentityKey.FromBytes(PublicKeys.RequirePrefixed(body.IdentityKey.Span, "pre-key message identity key"));
        }
        catch (InvalidKeyException ex)
        {
            throw new InvalidMessageException(ex.Message, ex);
        }
        var inner = WhisperMessage.Parse(body.Message.Span);
        uint? preKeyId = body.HasPreKeyId && body.PreKeyId != 0 ? body.PreKeyId : null;
        return new PreKeyWhisperMessage(bytes.ToArray(), body.RegistrationId, preKeyId, body.SignedPreKeyId, baseKey, identity, inner);
    }

    internal static PreKeyWhisperMessage Create(uint registrationId, uint? preKeyId, uint signedPreKeyId, byte[] baseKey,
        IdentityKey identityKey, WhisperMessage message)
    {
        var body = new Proto.PreKeyWhisperMessage
        {
            RegistrationId = registrationId,
            SignedPreKeyId = signedPreKeyId,
            BaseKey = UnsafeByteOperations.UnsafeWrap(baseKey),
            IdentityKey = UnsafeByteOperations.UnsafeWrap(identityKey.Bytes),
            Message = UnsafeByteOperations.UnsafeWrap(message.SerializedBytes),
        };
        if (preKeyId is { } id and not 0)
        {
            body.PreKeyId = id;
        }
        var length = body.CalculateSize();
        var serialized = new byte[1 + length];
        serialized[0] = MessageVersion.Byte;
        body.WriteTo(serialized.AsSpan(1));
        return new PreKeyWhisperMessage(serialized, registrationId, preKeyId, signedPreKeyId, baseKey, identityKey, message);
    }
}

using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Proto;

namespace WaCluster.Protocol.Media;

/// <summary>
/// The encryption of media re-upload requests and answers. Both travel under a key only holders of the message's
/// media key can derive (HKDF-SHA256, no salt, info "WhatsApp Media Retry Notification", 32 bytes), AES-256-GCM with a
/// 12-byte IV and the message id as associated data, so neither can be replayed for another message. The request's
/// plaintext is a ServerErrorReceipt {1: stanzaId}; the answer's is a MediaRetryNotification.
/// </summary>
public static class MediaRetryCrypto
{
    private static readonly byte[] Info = "WhatsApp Media Retry Notification"u8.ToArray();

    /// <summary>An encrypted payload: the <c>enc_p</c> and <c>enc_iv</c> of the stanza.</summary>
    public readonly record struct Sealed(byte[] Ciphertext, byte[] Iv);

    public static Sealed EncryptRequest(string messageId, ReadOnlySpan<byte> mediaKey) => Seal(ServerErrorReceipt(messageId), messageId, mediaKey);

    /// <summary>Opens a request and checks it names <paramref name="messageId"/>; throws <see cref="MediaRetryException"/> otherwise.</summary>
    public static void DecryptRequest(Sealed request, string messageId, ReadOnlySpan<byte> mediaKey)
    {
        var named = ReadStanzaId(Open(request, messageId, mediaKey));
        if (named != messageId) throw new MediaRetryException($"the re-upload request names message {named ?? "(none)"}, not {messageId}");
    }

    public static Sealed EncryptNotification(MediaRetryNotification notification, string messageId, ReadOnlySpan<byte> mediaKey) =>
        Seal(notification.ToByteArray(), messageId, mediaKey);

    /// <summary>Opens an answer and checks it is about <paramref name="messageId"/>; throws <see cref="MediaRetryException"/> otherwise.</summary>
    public static MediaRetryNotification DecryptNotification(Sealed answer, string messageId, ReadOnlySpan<byte> mediaKey)
    {
        var plaintext = Open(answer, messageId, mediaKey);
        MediaRetryNotification notification;
        try
        {
            notification = MediaRetryNotification.Parser.Decode(plaintext);
        }
        catch (ProtoDecodeException ex)
        {
            throw new MediaRetryException("the re-upload answer is not a MediaRetryNotification", ex);
        }
        if (notification.HasStanzaId && notification.StanzaId != messageId)
        {
            throw new MediaRetryException($"the re-upload answer is about message {notification.StanzaId}, not {messageId}");
        }
        return notification;
    }

    private static Sealed Seal(byte[] plaintext, string messageId, ReadOnlySpan<byte> mediaKey)
    {
        var iv = RandomNumberGenerator.GetBytes(AesGcmCipher.NonceLength);
        return new Sealed(AesGcmCipher.Encrypt(RetryKey(mediaKey), iv, plaintext, Encoding.UTF8.GetBytes(messageId)), iv);
    }

    private static byte[] Open(Sealed payload, string messageId, ReadOnlySpan<byte> mediaKey)
    {
        if (payload.Iv is not { Length: AesGcmCipher.NonceLength }) throw new MediaRetryException($"a re-upload IV is {AesGcmCipher.NonceLength} bytes, got {payload.Iv?.Length ?? 0}");
        try
        {
            return AesGcmCipher.Decrypt(RetryKey(mediaKey), payload.Iv, payload.Ciphertext ?? [], Encoding.UTF8.GetBytes(messageId));
        }
        catch (CryptoException ex)
        {
            throw new MediaRetryException("the re-upload payload does not open with this media key and message id", ex);
        }
    }

    private static byte[] RetryKey(ReadOnlySpan<byte> mediaKey)
    {
        if (mediaKey.Length != MediaKeys.MediaKeyLength)
        {
            throw new MediaException(MediaFailure.BadKeyLength, $"a media key is {MediaKeys.MediaKeyLength} bytes, got {mediaKey.Length}");
        }
        var key = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, mediaKey, key, salt: default, info: Info);
        return key;
    }

    // ServerErrorReceipt has a single field (1, the message id); written by hand as our protos do not carry the type.
    private static byte[] ServerErrorReceipt(string messageId)
    {
        var bytes = new byte[CodedOutputStream.ComputeTagSize(1) + CodedOutputStream.ComputeStringSize(messageId)];
        var output = new CodedOutputStream(bytes);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString(messageId);
        output.Flush();
        return bytes;
    }

    private static string? ReadStanzaId(byte[] plaintext)
    {
        try
        {
            var input = new CodedInputStream(plaintext);
            string? id = null;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (tag == WireFormat.MakeTag(1, WireFormat.WireType.LengthDelimited)) id = input.ReadString();
                else input.SkipLastField();
            }
            return id;
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or DecoderFallbackException)
        {
            throw new MediaRetryException("the re-upload request is not a ServerErrorReceipt", ex);
        }
    }
}

using System.Security.Cryptography;

namespace WaCluster.Core.Messaging;

/// <summary>
/// The padding WhatsApp puts on a Message before Signal encryption: 1 to 16 bytes, each holding the pad length,
/// so ciphertext sizes leak less about the text.
/// </summary>
public static class MessagePadding
{
    public static byte[] Pad(ReadOnlySpan<byte> message)
    {
        var padLength = (RandomNumberGenerator.GetInt32(256) & 0x0F) + 1;
        var padded = new byte[message.Length + padLength];
        message.CopyTo(padded);
        padded.AsSpan(message.Length).Fill((byte)padLength);
        return padded;
    }

    public static ReadOnlySpan<byte> Unpad(ReadOnlySpan<byte> padded)
    {
        if (padded.IsEmpty) throw new EngineException("padded message is empty");
        var padLength = padded[^1];
        if (padLength == 0 || padLength > padded.Length) throw new EngineException($"pad of {padLength} bytes on {padded.Length} bytes");
        return padded[..^padLength];
    }
}

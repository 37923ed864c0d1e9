using System.Buffers;
using System.Text;
using WaCluster.Protocol.Jids;

namespace WaCluster.Protocol.Binary;

/// <summary>
/// Writes nodes in the WhatsApp binary format, byte-identical to Baileys' <c>encodeBinaryNode</c>: a frame starts with
/// the flags byte 0 (uncompressed), then the node. Each string is written as the first that fits of: a token, a
/// nibble-packed string, a hex-packed string (upper-case only), a JID (anything containing '@'), raw UTF-8.
/// </summary>
public static class BinaryEncoder
{
    /// <summary>The frame for <paramref name="node"/>: flags byte 0 followed by the encoded node.</summary>
    public static byte[] Encode(BinaryNode node)
    {
        var buffer = NodeBuffer.Rent();
        try
        {
            buffer.Byte(0);
            WriteNode(buffer, node, 0);
            return buffer.Written.ToArray();
        }
        finally
        {
            NodeBuffer.Return(buffer);
        }
    }

    /// <summary>Appends the frame for <paramref name="node"/> (flags byte 0 first) to <paramref name="output"/>; returns its length.</summary>
    public static int Encode(BinaryNode node, IBufferWriter<byte> output)
    {
        var buffer = NodeBuffer.Rent();
        try
        {
            buffer.Byte(0);
            WriteNode(buffer, node, 0);
            output.Write(buffer.Written);
            return buffer.Length;
        }
        finally
        {
            NodeBuffer.Return(buffer);
        }
    }

    private static void WriteNode(NodeBuffer buffer, BinaryNode node, int depth)
    {
        if (depth >= CodecLimits.MaxNodeDepth)
        {
            throw new BinaryCodecException($"nodes nest deeper than {CodecLimits.MaxNodeDepth} levels");
        }
        var attributes = node.Attributes.AsSpan();
        var hasContent = node.ContentKind != NodeContentKind.None;
        WriteListStart(buffer, 2 * attributes.Length + 1 + (hasContent ? 1 : 0));
        WriteString(buffer, node.Tag);
        foreach (ref readonly var attribute in attributes)
        {
            WriteString(buffer, attribute.Key);
            WriteString(buffer, attribute.Value!);
        }
        switch (node.ContentKind)
        {
            case NodeContentKind.Children:
                var children = node.Children.AsSpan();
                WriteListStart(buffer, children.Length);
                foreach (var child in children) WriteNode(buffer, child, depth + 1);
                break;
            case NodeContentKind.Bytes:
                var bytes = node.Bytes.Span;
                WriteByteLength(buffer, bytes.Length);
                buffer.Bytes(bytes);
                break;
            case NodeContentKind.Text:
                WriteString(buffer, node.Text!);
                break;
        }
    }

    private static void WriteListStart(NodeBuffer buffer, int size)
    {
        if (size == 0)
        {
            buffer.Byte(BinaryTags.ListEmpty);
        }
        else if (size < 256)
        {
            buffer.Bytes(BinaryTags.List8, (byte)size);
        }
        else if (size <= CodecLimits.MaxListSize)
        {
            buffer.Byte(BinaryTags.List16);
            buffer.UInt16BigEndian(size);
        }
        else
        {
            throw new BinaryCodecException($"list of {size} items exceeds the 16-bit list size");
        }
    }

    private static void WriteByteLength(NodeBuffer buffer, int length)
    {
        if (length >= 1 << 20)
        {
            buffer.Byte(BinaryTags.Binary32);
            buffer.UInt32BigEndian((uint)length);
        }
        else if (length >= 256)
        {
            buffer.Byte(BinaryTags.Binary20);
            buffer.Bytes((byte)(length >> 16), (byte)(length >> 8));
            buffer.Byte((byte)length);
        }
        else
        {
            buffer.Bytes(BinaryTags.Binary8, (byte)length);
        }
    }

    private static void WriteRaw(NodeBuffer buffer, ReadOnlySpan<char> value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteByteLength(buffer, byteCount);
        buffer.Utf8(value, byteCount);
    }

    /// <summary>Writes a string with Baileys' precedence; tokens are looked up by reference first (literals).</summary>
    private static void WriteString(NodeBuffer buffer, string value)
    {
        if (value.Length != 0 && Tokens.TryGet(value, out var dictionaryTag, out var index)) WriteToken(buffer, dictionaryTag, index);
        else WriteNonToken(buffer, value);
    }

    private static void WriteString(NodeBuffer buffer, ReadOnlySpan<char> value)
    {
        if (value.Length != 0 && Tokens.TryGet(value, out var dictionaryTag, out var index)) WriteToken(buffer, dictionaryTag, index);
        else WriteNonToken(buffer, value);
    }

    private static void WriteToken(NodeBuffer buffer, byte dictionaryTag, byte index)
    {
        if (dictionaryTag != 0) buffer.Bytes(dictionaryTag, index);
        else buffer.Byte(index);
    }

    /// <summary>
    /// Writes a string that is no token. A JID's server part is itself written as a string, so a value with several
    /// '@' becomes a chain of JID pairs: that tail is a loop here, never recursion.
    /// </summary>
    private static void WriteNonToken(NodeBuffer buffer, ReadOnlySpan<char> value)
    {
        while (true)
        {
            if (value.Length == 0)
            {
                buffer.Bytes(BinaryTags.Binary8, 0);
                return;
            }
            if (value.Length <= BinaryTags.PackedMax)
            {
                var packing = PackedStrings.Classify(value);
                if (packing != PackedStrings.None)
                {
                    PackedStrings.Write(buffer, value, packing);
                    return;
                }
            }
            var at = value.IndexOf('@');
            if (at < 0)
            {
                WriteRaw(buffer, value);
                return;
            }
            if (!WriteJidHead(buffer, value, at)) return;
            value = value[(at + 1)..];
            if (value.Length != 0 && Tokens.TryGet(value, out var dictionaryTag, out var index))
            {
                WriteToken(buffer, dictionaryTag, index);
                return;
            }
        }
    }

    /// <summary>
    /// Writes a JID the way Baileys splits it: user = text before the first ':' and then before the first '_', device =
    /// text between the first and second ':', agent = text between the first and second '_'. With a non-empty device it
    /// is an AD_JID (the server only picks the domain type) and this returns false; otherwise a JID_PAIR whose user is
    /// written here and whose server the caller writes next (returns true).
    /// </summary>
    private static bool WriteJidHead(NodeBuffer buffer, ReadOnlySpan<char> jid, int at)
    {
        var userCombined = jid[..at];
        var server = jid[(at + 1)..];
        var colon = userCombined.IndexOf(':');
        var userAgent = colon < 0 ? userCombined : userCombined[..colon];
        var device = colon < 0 ? [] : UntilNext(userCombined[(colon + 1)..], ':');
        var underscore = userAgent.IndexOf('_');
        var user = underscore < 0 ? userAgent : userAgent[..underscore];

        if (!device.IsEmpty)
        {
            byte domainType;
            if (server.SequenceEqual(JidServer.Lid)) domainType = BinaryTags.DomainLid;
            else if (server.SequenceEqual(JidServer.Hosted)) domainType = BinaryTags.DomainHosted;
            else if (server.SequenceEqual(JidServer.HostedLid)) domainType = BinaryTags.DomainHostedLid;
            else if (underscore >= 0 && underscore + 1 < userAgent.Length) domainType = JsNumbers.AgentByte(UntilNext(userAgent[(underscore + 1)..], '_'));
            else domainType = BinaryTags.DomainWhatsApp;
            buffer.Byte(BinaryTags.AdJid);
            buffer.Bytes(domainType, JsNumbers.DeviceByte(device));
            WriteString(buffer, user);
            return false;
        }

        buffer.Byte(BinaryTags.JidPair);
        if (user.IsEmpty) buffer.Byte(BinaryTags.ListEmpty);
        else WriteString(buffer, user);
        return true;
    }

    private static ReadOnlySpan<char> UntilNext(ReadOnlySpan<char> text, char separator)
    {
        var end = text.IndexOf(separator);
        return end < 0 ? text : text[..end];
    }
}

namespace WaCluster.Protocol.Framing;

/// <summary>Constants of the WhatsApp frame layer: 3-byte big-endian lengths and the connection intro.</summary>
public static class FrameFormat
{
    public const int LengthPrefixSize = 3;

    /// <summary>Largest length a 3-byte prefix can carry.</summary>
    public const int MaxEncodableLength = (1 << 24) - 1;

    /// <summary>Default cap on a frame, as whatsmeow: effectively whatever the prefix can express.</summary>
    public const int DefaultMaxFrameSize = 1 << 24;

    public const int HeaderSize = 4;

    /// <summary>Marker and version bytes of the routed intro: "ED", 0, 1.</summary>
    public const int RoutedIntroPrefixSize = 4;

    /// <summary>
    /// Routing info is an opaque edge token of a few dozen bytes; a far larger declared length is garbage,
    /// so it is refused before any buffering.
    /// </summary>
    public const int MaxRoutingInfoLength = 4096;

    /// <summary>"WA", protocol major version 6, binary dictionary version 3.</summary>
    public static ReadOnlySpan<byte> WaHeader => [0x57, 0x41, 0x06, 0x03];

    public static ReadOnlySpan<byte> RoutedIntroPrefix => [0x45, 0x44, 0x00, 0x01];

    /// <summary>The bytes sent before the first frame: the header, preceded by the routed form when routing info is given.</summary>
    public static byte[] BuildIntro(ReadOnlySpan<byte> routingInfo = default) => BuildIntro(WaHeader, routingInfo);

    public static byte[] BuildIntro(ReadOnlySpan<byte> header, ReadOnlySpan<byte> routingInfo)
    {
        if (header.Length != HeaderSize)
        {
            throw new ArgumentException($"header must be {HeaderSize} bytes", nameof(header));
        }
        if (routingInfo.IsEmpty)
        {
            return header.ToArray();
        }
        if (routingInfo.Length > MaxRoutingInfoLength)
        {
            throw new FrameException(FrameError.TooLarge, $"routing info of {routingInfo.Length} bytes exceeds {MaxRoutingInfoLength}");
        }
        var intro = new byte[RoutedIntroPrefixSize + LengthPrefixSize + routingInfo.Length + HeaderSize];
        RoutedIntroPrefix.CopyTo(intro);
        WriteLength(intro.AsSpan(RoutedIntroPrefixSize), routingInfo.Length);
        routingInfo.CopyTo(intro.AsSpan(RoutedIntroPrefixSize + LengthPrefixSize));
        header.CopyTo(intro.AsSpan(intro.Length - HeaderSize));
        return intro;
    }

    public static void WriteLength(Span<byte> destination, int length)
    {
        destination[0] = (byte)(length >> 16);
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)length;
    }

    public static int ReadLength(ReadOnlySpan<byte> source) => (source[0] << 16) | (source[1] << 8) | source[2];
}

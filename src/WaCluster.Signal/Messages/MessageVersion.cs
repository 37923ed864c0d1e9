namespace WaCluster.Signal.Messages;

/// <summary>The leading byte of every 1:1 message: current version in the high nibble, oldest supported in the low.</summary>
internal static class MessageVersion
{
    public const int Current = 3;

    public const byte Byte = (Current << 4) | Current;

    /// <summary>Accepts what libsignal accepts: message version at least 3 and a minimum version we understand.</summary>
    public static void Check(byte versionByte, string what)
    {
        var version = versionByte >> 4;
        var minimum = versionByte & 0x0F;
        if (version < Current || minimum > Current)
        {
            throw new InvalidMessageException($"{what} has incompatible version byte 0x{versionByte:X2}");
        }
    }
}

using Google.Protobuf;
using WaCluster.Protocol;

namespace WaCluster.Signal.Keys;

/// <summary>Turns any failure to read a stored record into <see cref="InvalidMessageException"/> naming what was read.</summary>
internal static class RecordParsing
{
    public static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> bytes, string what) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidMessageException($"{what} is not valid protobuf: {ex.Message}", ex);
        }
    }

    public static void RequireVersion(uint version, uint expected, string what)
    {
        if (version != expected)
        {
            throw new InvalidMessageException($"{what} has version {version}; this build reads version {expected}");
        }
    }

    /// <summary>Runs a record constructor; its key validation failures are reported as a corrupt record.</summary>
    public static T Guard<T>(string what, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (Exception ex) when (ex is SignalException or ProtocolException)
        {
            throw new InvalidMessageException($"{what} is corrupt: {ex.Message}", ex);
        }
    }
}

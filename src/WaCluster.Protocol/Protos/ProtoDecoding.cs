using System.Text;
using Google.Protobuf;

namespace WaCluster.Protocol.Proto;

/// <summary>
/// Parses untrusted protobuf bytes so that every failure surfaces as <see cref="ProtoDecodeException"/>.
/// Google.Protobuf already bounds allocations by the input (lengths are checked against the remaining bytes) and
/// caps nesting depth; what it lacks is a single typed error: it throws its own exception for malformed framing and a
/// decoder fallback error for invalid UTF-8 in string fields.
/// </summary>
public static class ProtoDecoding
{
    public static T Decode<T>(this MessageParser<T> parser, ReadOnlySpan<byte> bytes) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new ProtoDecodeException($"malformed {typeof(T).Name}: {error.Message}", error);
        }
        catch (DecoderFallbackException error)
        {
            throw new ProtoDecodeException($"malformed {typeof(T).Name}: a string field is not valid UTF-8", error);
        }
    }
}

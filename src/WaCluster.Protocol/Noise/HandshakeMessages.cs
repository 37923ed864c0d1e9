using Google.Protobuf;
using WaCluster.Protocol.Proto;

namespace WaCluster.Protocol.Noise;

/// <summary>Parsing of untrusted HandshakeMessage bytes into the one part a handshake step expects.</summary>
internal static class HandshakeMessages
{
    public static HandshakeMessage Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return HandshakeMessage.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new NoiseException(NoiseError.MalformedMessage, "handshake message is not a valid protobuf", ex);
        }
    }

    public static ReadOnlySpan<byte> Require(bool present, ByteString value, string what)
    {
        if (!present)
        {
            throw new NoiseException(NoiseError.MalformedMessage, $"{what} is missing");
        }
        return value.Span;
    }

    public static ReadOnlySpan<byte> RequireKey(bool present, ByteString value, string what)
    {
        var key = Require(present, value, what);
        if (key.Length != NoiseProtocol.KeyLength)
        {
            throw new NoiseException(NoiseError.InvalidKey, $"{what} has {key.Length} bytes, expected {NoiseProtocol.KeyLength}");
        }
        return key;
    }
}

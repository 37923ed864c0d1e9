using CsCheck;
using Google.Protobuf;
using WaCluster.Protocol.Proto;

namespace WaCluster.Protocol.Tests.Protos;

/// <summary>Hostile bytes fail with <see cref="ProtoDecodeException"/> only, without hanging or over-allocating.</summary>
[Trait("Proof", "wire-proto")]
public sealed class MalformedProtoTests
{
    [Theory]
    [InlineData("0a", "length prefix missing")]
    [InlineData("0a05616263", "string shorter than its length")]
    [InlineData("0affffffff0f", "length near 4 GiB")]
    [InlineData("0a8080808080808080808001", "varint longer than ten bytes")]
    [InlineData("0f", "wire type 7")]
    [InlineData("00", "field number zero")]
    [InlineData("0b", "group start never closed")]
    [InlineData("0a02c328", "string is not UTF-8")]
    public void Malformed_bytes_raise_a_typed_error(string hex, string why)
    {
        var error = Record.Exception(() => Message.Parser.Decode(Convert.FromHexString(hex)));
        Assert.True(error is ProtoDecodeException, $"{why}: got {error?.GetType().Name ?? "no exception"}");
        Assert.Contains(nameof(Message), error!.Message);
    }

    [Fact]
    public void A_lying_length_does_not_allocate_what_it_claims()
    {
        // imageMessage (field 3) claiming 2 GiB of content, followed by a few real bytes.
        var bytes = Convert.FromHexString("1afeffffff07" + "0a03616263");
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProtoDecodeException>(() => Message.Parser.Decode(bytes));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "allocation followed the claimed length");
    }

    [Fact]
    public void Nesting_deeper_than_the_recursion_limit_is_rejected()
    {
        var message = new Message { Conversation = "innermost" };
        for (var i = 0; i < 200; i++)
        {
            message = new Message { EphemeralMessage = new Message.Types.FutureProofMessage { Message = message } };
        }
        Assert.Throws<ProtoDecodeException>(() => Message.Parser.Decode(message.ToByteArray()));
    }

    [Fact]
    public void Every_truncation_of_a_valid_message_decodes_or_fails_typed()
    {
        var whole = new Sampler(7).Populate(Message.Descriptor, depth: 2).ToByteArray();
        Assert.True(whole.Length > 200);
        for (var length = 0; length < whole.Length; length++)
        {
            DecodesOrFailsTyped(whole.AsSpan(0, length));
        }
        Assert.Equal(whole, Message.Parser.Decode(whole).ToByteArray());
    }

    [Fact]
    public void Random_bytes_decode_or_fail_typed()
    {
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            DecodesOrFailsTyped(bytes);
            DecodesOrFailsTypedAs(WebMessageInfo.Parser, bytes);
            DecodesOrFailsTypedAs(HandshakeMessage.Parser, bytes);
        }, iter: 20_000);
    }

    private static void DecodesOrFailsTyped(ReadOnlySpan<byte> bytes) => DecodesOrFailsTypedAs(Message.Parser, bytes);

    private static void DecodesOrFailsTypedAs<T>(MessageParser<T> parser, ReadOnlySpan<byte> bytes) where T : IMessage<T>
    {
        try
        {
            parser.Decode(bytes);
        }
        catch (ProtoDecodeException)
        {
        }
    }
}

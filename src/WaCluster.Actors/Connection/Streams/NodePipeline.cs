using System.Threading.Channels;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Noise;

namespace WaCluster.Actors.Connection.Streams;

/// <summary>
/// Builds and runs the two streams of an established connection:
/// wire chunks -> frame decode -> Noise decrypt -> node decode -> bounded channel the engine reads, and
/// bounded channel the engine writes -> node encode -> Noise encrypt and framing -> wire.
/// Every buffer on the way holds one element except the two channels, so memory per connection stays fixed.
/// </summary>
internal static class NodePipeline
{
    private static readonly Attributes SingleElementBuffers = Attributes.CreateInputBuffer(1, 1);

    public static StreamNodeTransport Run(WireEnds wire, NoiseSession session, StreamTransportSettings settings, IMaterializer materializer)
    {
        var kill = KillSwitches.Shared("connection");
        var inbound = wire.Reads
            .Via(kill.Flow<byte[]>())
            .Via(new FrameDecodeStage(session.Decoder))
            .Select(frame => session.Transport.Reader.Decrypt(frame)).Named("noise-decrypt")
            .Select(plaintext => BinaryDecoder.Decode(plaintext)).Named("node-decode")
            .WatchTermination(Keep.Right)
            .ToMaterialized(ChannelSink.AsReader<BinaryNode>(settings.ReceiveBuffer, singleReader: true), Keep.Both);
        var outbound = Source.Channel<BinaryNode>(settings.SendBuffer, singleWriter: false)
            .Via(kill.Flow<BinaryNode>())
            .Select(BinaryEncoder.Encode).Named("node-encode")
            .Select(plaintext => Seal(session, plaintext)).Named("noise-encrypt-frame")
            .ToMaterialized(wire.Writes, Keep.Both);

        // Both directions in one graph: one interpreter actor per connection instead of two.
        var ((inboundEnded, received), (sendQueue, sent)) = RunnableGraph
            .FromGraph(GraphDsl.Create(inbound, outbound, (i, o) => (i, o), (_, _, _) => ClosedShape.Instance))
            .WithAttributes(SingleElementBuffers)
            .Run(materializer);

        return new StreamNodeTransport(received, inboundEnded, sendQueue, sent, kill, session, wire, settings);
    }

    // The ciphertext is written straight behind its length prefix: one array per outbound frame.
    private static byte[] Seal(NoiseSession session, byte[] plaintext)
    {
        var payloadLength = plaintext.Length + NoiseProtocol.TagLength;
        var frame = new byte[session.Encoder.FrameLength(payloadLength)];
        var offset = session.Encoder.WriteHeader(frame, payloadLength);
        session.Transport.Writer.Encrypt(plaintext, frame.AsSpan(offset, payloadLength));
        return frame;
    }
}

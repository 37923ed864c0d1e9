using System.Security.Cryptography;
using WaCluster.Protocol.Framing;

namespace WaCluster.Protocol.Tests.Framing;

/// <summary><see cref="FrameDecoder.ReleaseBufferIfDrained"/> frees only an empty buffer: bytes of a partly received frame survive it.</summary>
[Trait("Proof", "wire-noise")]
public sealed class FrameDecoderReleaseTests
{
    [Fact]
    public void Releasing_between_and_inside_frames_loses_no_byte()
    {
        var payloads = Enumerable.Range(0, 200).Select(i => RandomNumberGenerator.GetBytes(i * 37 % 9000)).ToArray();
        var encoder = new FrameEncoder(ReadOnlySpan<byte>.Empty);
        var wire = payloads.SelectMany(p => encoder.Encode(p)).ToArray();
        var decoder = new FrameDecoder(expectIntro: false);
        var received = new List<byte[]>();

        // Odd chunk sizes put chunk ends inside prefixes and payloads; release is tried after every chunk.
        var offset = 0;
        var step = 1;
        while (offset < wire.Length)
        {
            var size = Math.Min(wire.Length - offset, step * 97 % 5000 + 1);
            decoder.Feed(wire.AsSpan(offset, size));
            offset += size;
            step++;
            while (decoder.TryReadFrame(out var frame)) received.Add(frame.ToArray());
            var pending = decoder.BufferedLength;
            decoder.ReleaseBufferIfDrained();
            Assert.Equal(pending, decoder.BufferedLength);
        }

        Assert.Equal(payloads.Length, received.Count);
        for (var i = 0; i < payloads.Length; i++)
        {
            Assert.Equal(payloads[i], received[i]);
        }
        decoder.Finish();
    }
}

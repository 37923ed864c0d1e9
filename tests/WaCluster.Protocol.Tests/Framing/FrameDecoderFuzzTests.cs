using WaCluster.Protocol.Framing;

namespace WaCluster.Protocol.Tests.Framing;

/// <summary>Hostile bytes into the frame decoder: only typed errors, bounded work and memory.</summary>
[Trait("Proof", "wire-fuzz")]
public sealed class FrameDecoderFuzzTests
{
    [Fact]
    public void Random_bytes_in_random_chunks_yield_frames_or_FrameExceptions_only()
    {
        var random = new Random(20261127);
        for (var round = 0; round < 3000; round++)
        {
            var input = new byte[random.Next(0, 2000)];
            random.NextBytes(input);
            if (round % 3 == 0 && input.Length >= 4)
            {
                FrameFormat.WaHeader.CopyTo(input); // get past the intro to fuzz the frame layer itself
            }
            var decoder = new FrameDecoder(expectIntro: round % 2 == 0, maxFrameSize: round % 5 == 0 ? 300 : FrameFormat.DefaultMaxFrameSize);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                for (var offset = 0; offset < input.Length;)
                {
                    var size = Math.Min(input.Length - offset, random.Next(1, 64));
                    decoder.Feed(input.AsSpan(offset, size));
                    offset += size;
                    while (decoder.TryReadFrame(out var frame))
                    {
                        Assert.True(frame.Length <= input.Length);
                    }
                }
                decoder.Finish();
            }
            catch (FrameException)
            {
                // The only acceptable failure.
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= 4L * input.Length + 16 * 1024, $"round {round}: {allocated} bytes allocated for {input.Length} input bytes");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_lying_length_costs_only_the_bytes_actually_received(bool routed)
    {
        var decoder = new FrameDecoder(expectIntro: true);
        var before = GC.GetAllocatedBytesForCurrentThread();
        decoder.Feed(routed ? [0x45, 0x44, 0x00, 0x01, 0x00, 0x00, 0x01, 0x99, 0x57, 0x41, 0x06, 0x03] : FrameFormat.WaHeader);
        decoder.Feed([0xFF, 0xFF, 0xFF]);
        for (var i = 0; i < 100; i++)
        {
            decoder.Feed(new byte[] { (byte)i, 1, 2, 3, 4, 5, 6, 7, 8, 9 });
            Assert.False(decoder.TryReadFrame(out _));
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 32 * 1024, $"{allocated} bytes allocated for a frame declaring 16 MiB");
        Assert.Equal(FrameError.Truncated, Assert.Throws<FrameException>(decoder.Finish).Error);
    }

    [Fact]
    public void A_slow_trickle_of_a_huge_frame_grows_memory_with_the_data_only()
    {
        var decoder = new FrameDecoder(expectIntro: false);
        var before = GC.GetAllocatedBytesForCurrentThread();
        decoder.Feed([0xFF, 0xFF, 0xFE]);
        var chunk = new byte[1000];
        for (var i = 0; i < 1000; i++)
        {
            decoder.Feed(chunk);
            Assert.False(decoder.TryReadFrame(out _));
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= 4L * 1_000_000 + 16 * 1024, $"{allocated} bytes allocated for 1 MB received");
        Assert.Equal(1_000_003, decoder.BufferedLength);
    }

    [Fact]
    public async Task A_stream_of_random_bytes_ends_in_a_FrameException_or_a_clean_end_quickly()
    {
        var random = new Random(5);
        for (var round = 0; round < 200; round++)
        {
            var input = new byte[random.Next(0, 5000)];
            random.NextBytes(input);
            var reader = new FrameStreamReader(new MemoryStream(input), new FrameDecoder(expectIntro: round % 2 == 1));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                while (await reader.ReadFrameAsync(timeout.Token) is not null)
                {
                }
            }
            catch (FrameException)
            {
                // Typed failure: fine.
            }
        }
    }
}

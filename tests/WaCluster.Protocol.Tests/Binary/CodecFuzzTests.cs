using System.IO.Compression;
using WaCluster.Protocol.Binary;

namespace WaCluster.Protocol.Tests.Binary;

/// <summary>
/// Hostile input for the node decoder: it may only fail with <see cref="BinaryCodecException"/>, must finish, and may
/// allocate no more than <see cref="BytesPerInputByte"/> per input byte plus <see cref="AllocationSlack"/> per case.
/// </summary>
[Trait("Proof", "wire-fuzz")]
public sealed class CodecFuzzTests
{
    private const int BytesPerInputByte = 64;
    private const int AllocationSlack = 32 * 1024;
    private const int Seed = 4242;

    [Fact(Timeout = 300_000)]
    public async Task Random_bytes_fail_only_with_typed_errors_within_bounded_allocation() => await Task.Run(() =>
    {
        var random = new Random(Seed);
        var fuzz = new Fuzz();
        for (var i = 0; i < 30_000; i++)
        {
            var input = new byte[random.Next(0, i % 100 == 0 ? 4000 : 80)];
            random.NextBytes(input);
            // Bias towards plausible starts so that the decoder gets past the first bytes.
            if (input.Length > 1 && random.Next(2) == 0) input[0] = random.Next(2) == 0 ? BinaryTags.List8 : BinaryTags.List16;
            fuzz.Run(input);
        }
        Assert.True(fuzz.Failures > 29_000, $"{fuzz.Failures} failures");
    });

    [Fact(Timeout = 300_000)]
    public async Task Truncations_and_mutations_of_valid_encodings_fail_only_with_typed_errors() => await Task.Run(() =>
    {
        var generator = new NodeGenerator(Seed);
        var random = generator.Random;
        var fuzz = new Fuzz();
        for (var n = 0; n < 300; n++)
        {
            var frame = BinaryEncoder.Encode(generator.Node());
            var body = frame.AsSpan(1).ToArray();
            // Every truncation of smaller encodings, a sample of the larger ones.
            var step = Math.Max(1, body.Length / 400);
            for (var length = 0; length < body.Length; length += step) fuzz.Run(body.AsSpan(0, length).ToArray());
            for (var m = 0; m < 60; m++)
            {
                var mutated = (byte[])body.Clone();
                if (mutated.Length == 0) continue;
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    var at = random.Next(mutated.Length);
                    mutated[at] = random.Next(3) switch
                    {
                        0 => (byte)random.Next(256),
                        1 => (byte)random.Next(236, 256), // a structural tag
                        _ => (byte)(mutated[at] ^ (1 << random.Next(8))),
                    };
                }
                fuzz.Run(mutated);
            }
        }
        Assert.True(fuzz.Failures > 1000 && fuzz.Successes > 100, $"{fuzz.Failures} failures, {fuzz.Successes} successes");
    });

    [Fact(Timeout = 300_000)]
    public async Task Lying_lengths_and_hostile_structures_fail_only_with_typed_errors() => await Task.Run(() =>
    {
        var fuzz = new Fuzz();
        byte[][] cases =
        [
            [BinaryTags.List16, 0xff, 0xff, 19],                                  // 65535 items announced, none there
            [BinaryTags.List8, 2, 19, BinaryTags.List16, 0xff, 0xff, BinaryTags.List8, 1, 19],
            [BinaryTags.List8, 2, 19, BinaryTags.Binary32, 0xff, 0xff, 0xff, 0xff, 1, 2, 3],
            [BinaryTags.List8, 2, 19, BinaryTags.Binary32, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3],
            [BinaryTags.List8, 2, 19, BinaryTags.Binary20, 0xff, 0xff, 0xff, 1, 2, 3],
            [BinaryTags.List8, 2, 19, BinaryTags.Binary8, 200, 1, 2, 3],
            [BinaryTags.List8, 3, 19, 4, BinaryTags.Nibble8, 0x7f, 0x12],          // 127 packed bytes announced
            [BinaryTags.List8, 3, 19, 4, BinaryTags.Hex8, 0xff],
            [BinaryTags.List8, 3, 19, 4, BinaryTags.Nibble8, 0x01, 0xcd],          // invalid nibbles
            [BinaryTags.List8, 3, 19, 4, BinaryTags.JidPair, 3, 0],                // empty server
            [BinaryTags.List8, 3, 19, 4, BinaryTags.AdJid, 0, 1],
            [BinaryTags.List8, 3, 19, 4, BinaryTags.FbJid, 3, 0xff],
            [BinaryTags.List8, 3, 19, 4, BinaryTags.InteropJid, 3, 0, 1],
            [BinaryTags.List8, 3, 19, 4, 240],                                     // unused tag
            [BinaryTags.List8, 1, BinaryTags.ListEmpty],                           // empty tag
            [BinaryTags.ListEmpty],
            [BinaryTags.List8, 0],
            [BinaryTags.List8, 1, 19, 5],                                          // trailing byte
            [BinaryTags.Dictionary0],
            [],
            Repeat([BinaryTags.List8, 2, 19, BinaryTags.List8, 1], 100_000),       // nesting far past the limit
            [BinaryTags.List8, 3, 19, 4, .. Repeat([BinaryTags.JidPair], 100_000)], // JIDs nested in the user part
            [BinaryTags.List8, 3, 19, 4, .. Repeat([BinaryTags.JidPair, 3], 100_000)], // a long server chain, cut short
            [BinaryTags.List8, 3, 19, 4, .. Repeat([BinaryTags.InteropJid, 3, 0, 1, 0, 2], 50_000)], // rewinding interop servers
            [BinaryTags.List8, 3, 19, 4, .. Repeat([BinaryTags.FbJid, BinaryTags.InteropJid, 3, 0, 1, 0, 2], 30_000)],
            [BinaryTags.List16, 0xff, 0xff, 19, .. Repeat([4, BinaryTags.InteropJid, 3, 0, 1, 0, 2, 242], 8000)],
            [BinaryTags.List16, 0xff, 0xff, 19, .. Repeat([4, 4], 30_000)],       // one repeated key, many times
            [BinaryTags.List16, 0xff, 0xff, 19, .. RepeatIndexed(i => [BinaryTags.Binary8, 2, (byte)(i >> 8), (byte)i, 4], 30_000)],
            [BinaryTags.List8, 2, 19, BinaryTags.List16, 0xff, 0xff, .. Repeat([BinaryTags.List8, 2, 19, BinaryTags.List16, 0xff, 0xff], 200)],
        ];
        foreach (var input in cases) fuzz.Run(input);
        Assert.Equal(cases.Length, fuzz.Failures);
    });

    [Fact(Timeout = 300_000)]
    public async Task Compressed_frames_that_are_corrupt_or_too_big_fail_with_typed_errors() => await Task.Run(() =>
    {
        var random = new Random(Seed);
        var generator = new NodeGenerator(Seed + 1);
        var failures = 0;
        for (var i = 0; i < 2000; i++)
        {
            var frame = BinaryEncoder.Encode(generator.Node());
            var compressed = Compress(frame.AsSpan(1));
            byte[] input = (i % 3) switch
            {
                0 => [2, .. compressed.AsSpan(0, random.Next(compressed.Length))],
                1 => Mutate(compressed, random),
                _ => [(byte)(2 | random.Next(256)), .. RandomBytes(random, random.Next(64))],
            };
            try
            {
                BinaryDecoder.Decode(input);
            }
            catch (BinaryCodecException)
            {
                failures++;
            }
        }
        Assert.True(failures > 1000, $"{failures} failures");

        // 8 MiB of zeros deflates to a few KiB; a 1 MiB cap must stop it early.
        var bomb = Compress(new byte[8 << 20]);
        var error = Assert.Throws<BinaryCodecException>(() => BinaryDecoder.Decode([2, .. bomb], maxDecompressedSize: 1 << 20));
        Assert.Contains("exceeds", error.Message);
    });

    private static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest)) zlib.Write(data);
        return output.ToArray();
    }

    private static byte[] Mutate(byte[] compressed, Random random)
    {
        var mutated = (byte[])compressed.Clone();
        mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
        return [2, .. mutated];
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Repeat(byte[] unit, int times)
    {
        var result = new byte[unit.Length * times];
        for (var i = 0; i < times; i++) unit.CopyTo(result, i * unit.Length);
        return result;
    }

    private static byte[] RepeatIndexed(Func<int, byte[]> unit, int times) => [.. Enumerable.Range(0, times).SelectMany(unit)];

    /// <summary>Decodes one input, measuring this thread's allocations around the call.</summary>
    private sealed class Fuzz
    {
        public int Failures;
        public int Successes;

        public Fuzz()
        {
            // Static tables and the per-thread scratch are set up once, outside any measurement.
            Run(BinaryEncoder.Encode(new BinaryNode("warm", [("to", "1@s.whatsapp.net")], [new BinaryNode("x")])).AsSpan(1).ToArray());
            Failures = Successes = 0;
        }

        public void Run(byte[] input)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                BinaryDecoder.DecodeNode(input);
                Successes++;
            }
            catch (BinaryCodecException)
            {
                Failures++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{e.GetType().Name} for input {Describe(input)}: {e}");
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= (long)BytesPerInputByte * input.Length + AllocationSlack,
                $"{allocated} bytes allocated for {input.Length} input bytes: {Describe(input)}");
        }

        private static string Describe(byte[] input) => Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 48))) + (input.Length > 48 ? "…" : "");
    }
}

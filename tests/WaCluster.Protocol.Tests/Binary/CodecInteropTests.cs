using WaCluster.Protocol.Binary;
using WaCluster.TestSupport;

namespace WaCluster.Protocol.Tests.Binary;

/// <summary>Our encoder and decoder against Baileys' <c>encodeBinaryNode</c>/<c>decodeBinaryNode</c>, byte for byte.</summary>
[Trait("Proof", "wire-codec")]
public sealed class CodecInteropTests : IAsyncLifetime
{
    private const int Seed = 20261127;
    private const int NodeCount = 10_000;
    private const int BatchSize = 400;

    private NodeHarness _node = null!;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Token_tables_equal_baileys()
    {
        var theirs = await _node.CallAsync<TokensDto>("codec.tokens");
        Assert.Equal(theirs.Single, TokenTables.SingleByte);
        Assert.Equal(theirs.Double.Length, TokenTables.DoubleByte.Length);
        for (var d = 0; d < theirs.Double.Length; d++) Assert.Equal(theirs.Double[d], TokenTables.DoubleByte[d]);
    }

    [Fact]
    public async Task Generated_nodes_encode_identically_and_decode_alike_both_ways()
    {
        var generator = new NodeGenerator(Seed);
        var stats = new Stats();
        for (var done = 0; done < NodeCount; done += BatchSize)
        {
            var nodes = Enumerable.Range(0, BatchSize).Select(_ => generator.Node()).ToArray();
            await CheckBatchAsync(nodes, stats);
        }
        Assert.Equal(NodeCount, stats.Nodes);
        // The generator must actually reach the decodable majority and every content kind.
        Assert.True(stats.Decoded > NodeCount * 8 / 10, $"only {stats.Decoded} of {NodeCount} decoded");
        Assert.All(stats.Kinds, count => Assert.True(count > 100, string.Join(",", stats.Kinds)));
    }

    [Fact]
    public async Task Byte_content_across_the_binary_length_boundaries_up_to_past_one_mebibyte()
    {
        var generator = new NodeGenerator(Seed + 1);
        int[] sizes = [0, 1, 255, 256, 257, (1 << 20) - 1, 1 << 20, (1 << 20) + 4099];
        var nodes = sizes.Select(size => new BinaryNode("media", [("size", size.ToString())], generator.Bytes(size))).ToArray();
        var stats = new Stats();
        await CheckBatchAsync(nodes, stats);
        Assert.Equal(sizes.Length, stats.Decoded);
    }

    [Fact]
    public async Task Crafted_jid_forms_decode_as_baileys_decodes_them()
    {
        // Baileys never writes FB_JID or INTEROP_JID, so frames with them are assembled here and both decoders compared.
        var random = new Random(Seed + 2);
        var frames = new List<byte[]>();
        for (var i = 0; i < 3000; i++) frames.Add(CraftedFrame(random));
        var theirs = await _node.CallAsync<DecodeResult[]>("codec.decode", new { items = frames.Select(Convert.ToBase64String) });
        var decoded = 0;
        for (var i = 0; i < frames.Count; i++)
        {
            if (AssertDecodesAlike(frames[i], theirs[i], allowTrailing: true)) decoded++;
        }
        Assert.True(decoded > frames.Count / 2, $"only {decoded} crafted frames decoded");
        Assert.True(decoded < frames.Count, "no crafted frame exercised a failure");
    }

    private async Task CheckBatchAsync(BinaryNode[] nodes, Stats stats)
    {
        var ours = nodes.Select(BinaryEncoder.Encode).ToArray();
        var results = await _node.CallAsync<CheckResult[]>("codec.check", new
        {
            items = nodes.Select((n, i) => new { node = NodeJson.ToDto(n), ours = Convert.ToBase64String(ours[i]) }),
        }, TimeSpan.FromMinutes(2));
        Assert.Equal(nodes.Length, results.Length);

        var reencoded = new List<byte[]>();
        for (var i = 0; i < nodes.Length; i++)
        {
            stats.Nodes++;
            stats.Kinds[(int)nodes[i].ContentKind]++;
            var context = $"node {stats.Nodes}: {Shorten(nodes[i].ToString())}";
            // Same node, two encoders: the same bytes.
            Assert.True(results[i].Theirs == Convert.ToBase64String(ours[i]), $"encodings differ for {context}");
            // ours -> Baileys: its decode of our bytes matches ours, and so do both re-encodings.
            if (!AssertDecodesAlike(ours[i], results[i].DecodedOurs)) continue;
            stats.Decoded++;
            // Baileys -> ours (its bytes deflated, flags byte 2) -> ours re-encoded, checked by Baileys below.
            var compressed = Convert.FromBase64String(results[i].Compressed);
            var fromCompressed = BinaryDecoder.Decode(compressed);
            Assert.Equal(NodeJson.Canonical(results[i].DecodedOurs.Node!), NodeJson.Canonical(fromCompressed));
            Assert.Equal(NodeJson.Canonical(fromCompressed), NodeJson.Canonical(BinaryDecoder.DecodeZeroCopy(compressed)));
            reencoded.Add(BinaryEncoder.Encode(fromCompressed));
        }

        var back = await _node.CallAsync<DecodeResult[]>("codec.decode", new { items = reencoded.Select(Convert.ToBase64String) }, TimeSpan.FromMinutes(2));
        for (var i = 0; i < reencoded.Count; i++)
        {
            Assert.True(AssertDecodesAlike(reencoded[i], back[i]), "Baileys could not decode our re-encoding of its frame");
        }
    }

    /// <summary>
    /// Our decode of <paramref name="frame"/> equals Baileys' (structure and re-encoding), or both fail. Returns whether it decoded.
    /// Baileys ignores bytes after the node while we reject them, so crafted frames may differ only in that way.
    /// </summary>
    private static bool AssertDecodesAlike(byte[] frame, DecodeResult theirs, bool allowTrailing = false)
    {
        BinaryNode ours;
        try
        {
            ours = BinaryDecoder.Decode(frame);
        }
        catch (BinaryCodecException e)
        {
            if (theirs.Error is null && !(allowTrailing && e.Message.Contains("left after the node")))
            {
                Assert.Fail($"we rejected a frame Baileys decodes ({e.Message}): {Convert.ToHexString(frame.AsSpan(0, Math.Min(frame.Length, 64)))}");
            }
            return false;
        }
        Assert.True(theirs.Error is null, $"Baileys rejected ({theirs.Error}) a frame we decode: {Shorten(ours.ToString())}");
        Assert.Equal(NodeJson.Canonical(ours), NodeJson.Canonical(BinaryDecoder.DecodeZeroCopy(frame)));
        var asJsObject = NodeJson.InJsObjectOrder(ours);
        Assert.Equal(NodeJson.Canonical(theirs.Node!), NodeJson.Canonical(asJsObject));
        Assert.Equal(theirs.Reencoded, Convert.ToBase64String(BinaryEncoder.Encode(asJsObject)));
        return true;
    }

    /// <summary>A node whose attribute values are random JID encodings (pair, AD, FB, interop with and without server).</summary>
    private static byte[] CraftedFrame(Random random)
    {
        var attributes = random.Next(1, 4);
        var hasContent = random.Next(3) == 0;
        var bytes = new List<byte> { 0, BinaryTags.List8, (byte)(1 + 2 * attributes + (hasContent ? 1 : 0)), 19 /* "message" */ };
        for (var i = 0; i < attributes; i++)
        {
            bytes.Add(NonNumericToken(random));
            WriteCraftedString(bytes, random, 0);
        }
        if (hasContent) WriteCraftedString(bytes, random, 0);
        // Now and then cut the frame so that optional interop servers meet the end of the data.
        if (random.Next(5) == 0) bytes.RemoveRange(bytes.Count - 1, 1);
        return [.. bytes];
    }

    private static void WriteCraftedString(List<byte> bytes, Random random, int depth)
    {
        var choice = depth > 2 ? random.Next(3) : random.Next(9);
        switch (choice)
        {
            case 0:
                bytes.Add((byte)random.Next(1, 236));
                break;
            case 1:
                bytes.AddRange([BinaryTags.Nibble8, 0x83, 0x12, 0x34, 0x5f]);
                break;
            case 2:
                bytes.AddRange([BinaryTags.Binary8, 3, (byte)'a', (byte)'b', (byte)'c']);
                break;
            case 3:
                bytes.Add(BinaryTags.JidPair);
                WriteCraftedString(bytes, random, depth + 1);
                WriteCraftedString(bytes, random, depth + 1);
                break;
            case 4:
                bytes.AddRange([BinaryTags.AdJid, (byte)(random.Next(4) switch { 0 => 0, 1 => 1, 2 => 128 + random.Next(2), _ => random.Next(256) }), (byte)random.Next(256)]);
                WriteCraftedString(bytes, random, depth + 1);
                break;
            case 5 or 6:
                bytes.Add(BinaryTags.FbJid);
                WriteCraftedString(bytes, random, depth + 1);
                bytes.AddRange([(byte)random.Next(256), (byte)random.Next(256)]);
                WriteCraftedString(bytes, random, depth + 1);
                break;
            default:
                bytes.Add(BinaryTags.InteropJid);
                WriteCraftedString(bytes, random, depth + 1);
                bytes.AddRange([(byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)]);
                // Mostly with a server; else none (at the end of the data Baileys falls back to "interop") or a byte
                // that is no string tag (Baileys falls back, then fails re-reading it as the next item).
                switch (random.Next(10))
                {
                    case < 7: WriteCraftedString(bytes, random, depth + 1); break;
                    case 7: bytes.Add(242); break;
                }
                break;
        }
    }

    /// <summary>A single-byte token usable as a key: JS objects would move integer-like keys to the front.</summary>
    private static byte NonNumericToken(Random random)
    {
        while (true)
        {
            var token = random.Next(1, TokenTables.SingleByte.Length);
            if (!TokenTables.SingleByte[token].All(char.IsAsciiDigit)) return (byte)token;
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private sealed class Stats
    {
        public int Nodes;
        public int Decoded;
        public readonly int[] Kinds = new int[4];
    }

    private sealed record TokensDto(string[] Single, string[][] Double);

    private sealed record CheckResult(string Theirs, DecodeResult DecodedOurs, string Compressed);
}

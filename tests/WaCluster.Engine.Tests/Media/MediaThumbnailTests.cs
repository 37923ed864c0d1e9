using System.Buffers.Binary;
using System.Security.Cryptography;
using SkiaSharp;
using WaCluster.Core.Media;
using WaCluster.Engine.Media;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.Media;

/// <summary>
/// Thumbnails made on send when the caller gives none, checked by Baileys on the receiving side: the jpegThumbnail of
/// each image we send decodes (with sharp) as a JPEG of the size Baileys' own extractImageThumb makes for the same
/// image, and width and height carry the original dimensions; a video's comes from the given frame; stickers get none.
/// </summary>
[Trait("Proof", "media-interop")]
public sealed class MediaThumbnailTests : MediaSimulatorTest
{
    [Fact]
    public async Task Baileys_receives_our_images_with_thumbnails_of_its_own_size_and_the_original_dimensions()
    {
        var (ours, _) = await PairEngineAsync("15550007301", MediaTls.Pinned(Host.Certificate));
        var bob = await PairBaileysAsync("bob");
        await Node.CallAsync("media.sim.watch", new { id = "bob" }, Slow);
        var to = Jid.Parse(bob.Jid);

        // Landscape JPEG, portrait PNG, a WebP narrower than the thumbnail (scaled up, as sharp does), read once.
        var images = new[] { (W: 1200, H: 800, Format: "jpeg"), (W: 300, H: 500, Format: "png"), (W: 20, H: 10, Format: "webp") };
        var sent = new List<(string Id, byte[] Data, int W, int H)>();
        foreach (var (w, h, format) in images)
        {
            var data = Convert.FromBase64String(await Node.CallAsync<string>("media.thumb.image", new { width = w, height = h, format }, Slow));
            var media = new OutgoingMedia(MediaKind.Image, new ReadOnceStream(data)) { Caption = format };
            sent.Add(((await ours.SendMediaAsync(to, media)).Id, data, w, h));
        }
        // Given dimensions are kept, as in Baileys; the thumbnail is still made.
        var sized = Convert.FromBase64String(await Node.CallAsync<string>("media.thumb.image", new { width = 64, height = 64, format = "jpeg" }, Slow));
        var sizedId = (await ours.SendMediaAsync(to, new OutgoingMedia(MediaKind.Image, new MemoryStream(sized)) { Width = 1000, Height = 999 })).Id;
        var frame = Convert.FromBase64String(await Node.CallAsync<string>("media.thumb.image", new { width = 640, height = 360, format = "png" }, Slow));
        var videoId = (await ours.SendMediaAsync(to, Media(MediaKind.Video, 50_000) with { VideoFrame = frame, Seconds = 3 })).Id;
        var stickerId = (await ours.SendMediaAsync(to, new OutgoingMedia(MediaKind.Sticker, new MemoryStream(sized)))).Id;

        var atBob = await Node.CallAsync<MediaSummary[]>("media.sim.waitMedia", new { id = "bob", count = sent.Count + 3 }, Slow);
        foreach (var (id, data, w, h) in sent)
        {
            var summary = atBob.Single(s => s.Id == id);
            var thumbnail = await InspectAsync(summary.JpegThumbnail!);
            var baileys = await Node.CallAsync<BaileysThumbnail>("media.thumb.baileys", new { data = B64(data) }, Slow);
            Assert.Equal(("jpeg", baileys.Width, baileys.Height), (thumbnail.Format, thumbnail.Width, thumbnail.Height));
            Assert.Equal(32, thumbnail.Width);
            Assert.Equal((baileys.OriginalWidth, baileys.OriginalHeight), ((int)summary.Width!, (int)summary.Height!));
            Assert.Equal((w, h), ((int)summary.Width!, (int)summary.Height!));
            Assert.Equal(data, Convert.FromBase64String(await Node.CallAsync<string>("media.sim.download", new { id = "bob", messageId = id }, Slow)));
        }

        var sizedSummary = atBob.Single(s => s.Id == sizedId);
        Assert.Equal((1000L, 999L), (sizedSummary.Width, sizedSummary.Height));
        Assert.Equal(("jpeg", 32, 32), Tuple(await InspectAsync(sizedSummary.JpegThumbnail!)));

        var video = atBob.Single(s => s.Id == videoId);
        Assert.Equal(("jpeg", 32, 18), Tuple(await InspectAsync(video.JpegThumbnail!)));
        Assert.Null(video.Width);
        Assert.Null(atBob.Single(s => s.Id == stickerId).JpegThumbnail);
    }

    [Fact]
    public async Task Content_that_is_no_decodable_image_in_bounds_is_sent_without_a_thumbnail()
    {
        var (ours, _) = await PairEngineAsync("15550007302", MediaTls.Pinned(Host.Certificate));
        var bob = await PairBaileysAsync("bob");
        await Node.CallAsync("media.sim.watch", new { id = "bob" }, Slow);
        // Random bytes; a valid PNG header claiming 100,000 x 100,000 pixels over garbage (decoding it whole would need
        // 40 GB); a valid 100 x 100 header over garbage.
        byte[][] contents = [RandomNumberGenerator.GetBytes(5_000), PngHeaderOverGarbage(100_000, 100_000), PngHeaderOverGarbage(100, 100)];
        var ids = new List<string>();
        foreach (var data in contents) ids.Add((await ours.SendMediaAsync(Jid.Parse(bob.Jid), new OutgoingMedia(MediaKind.Image, new ReadOnceStream(data)))).Id);

        var atBob = await Node.CallAsync<MediaSummary[]>("media.sim.waitMedia", new { id = "bob", count = contents.Length }, Slow);
        for (var i = 0; i < contents.Length; i++)
        {
            var summary = atBob.Single(s => s.Id == ids[i]);
            Assert.Null(summary.JpegThumbnail);
            Assert.Null(summary.Width);
            Assert.Equal(contents[i], Convert.FromBase64String(await Node.CallAsync<string>("media.sim.download", new { id = "bob", messageId = ids[i] }, Slow)));
        }
    }

    [Fact]
    public void A_header_claiming_huge_dimensions_is_believed_but_never_decoded()
    {
        var lying = PngHeaderOverGarbage(100_000, 100_000);
        using (var codec = SKCodec.Create(new MemoryStream(lying)))
        {
            Assert.Equal((100_000, 100_000), (codec.Info.Width, codec.Info.Height));
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(ImageThumbnail.TryCreate(new MemoryStream(lying)));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
    }

    private static byte[] PngHeaderOverGarbage(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        var chunk = "IHDR"u8.ToArray().Concat(header).ToArray();
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(chunk));
        byte[] length = [0, 0, 0, 13];
        // Then an image data chunk announcing 4,000 bytes of random content (not a valid zlib stream).
        byte[] data = [0, 0, 0x0F, 0xA0, (byte)'I', (byte)'D', (byte)'A', (byte)'T', .. RandomNumberGenerator.GetBytes(4_004)];
        return [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. length, .. chunk, .. crc, .. data];
    }

    // PNG's chunk checksum (CRC-32, reflected polynomial 0xEDB88320), so the header is accepted and the garbage is reached.
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    private async Task<Inspected> InspectAsync(string base64) => await Node.CallAsync<Inspected>("media.thumb.inspect", new { data = base64 }, Slow);

    private static (string?, int, int) Tuple(Inspected i) => (i.Format, i.Width, i.Height);

    private sealed record Inspected(string? Format, int Width, int Height);

    private sealed record BaileysThumbnail(string Format, int Width, int Height, int OriginalWidth, int OriginalHeight);

    /// <summary>Content as from a socket: readable once, front to back, no seeking.</summary>
    private sealed class ReadOnceStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data, writable: false);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

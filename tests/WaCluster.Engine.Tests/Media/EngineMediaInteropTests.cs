using System.Security.Cryptography;
using WaCluster.Core.Media;
using WaCluster.Engine.Media;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Media;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Protocol.Proto;

namespace WaCluster.Engine.Tests.Media;

/// <summary>
/// Media through the simulator's media host between our engine and an unmodified Baileys client: every kind sent by
/// Baileys is downloaded and verified by us to identical bytes, and every kind we send is downloaded and decrypted
/// by Baileys' downloadMediaMessage to identical bytes with the fields Baileys fills.
/// </summary>
[Trait("Proof", "media-interop")]
public sealed class EngineMediaInteropTests : MediaSimulatorTest
{
    private static readonly string[] Kinds = ["image", "video", "audio", "ptt", "document", "sticker"];

    [Fact]
    public async Task Baileys_sends_every_media_kind_and_the_engine_downloads_identical_verified_bytes()
    {
        var (ours, account) = await PairEngineAsync("15550007001", MediaTls.Pinned(Host.Certificate));
        var bob = await PairBaileysAsync("bob");
        var items = Kinds.Select(BaileysItem).ToArray();
        await Node.CallAsync<MediaSummary[]>("media.sim.send", new { id = "bob", to = account.Jid, items = items.Select(i => i.Args).ToArray() }, Slow);

        var received = await NextMessagesAsync(ours, items.Length);
        Assert.All(received, m => Assert.Equal(bob.Jid, m.Key.RemoteJid.ToString()));
        for (var i = 0; i < items.Length; i++)
        {
            var message = received[i].Message;
            using var downloaded = new MemoryStream();
            var result = await ours.DownloadMediaAsync(message, downloaded);
            Assert.Equal(items[i].Data, downloaded.ToArray());
            Assert.Equal(items[i].Data.Length, result.FileLength);
            Assert.Equal(SHA256.HashData(items[i].Data), result.FileSha256);
        }

        var image = received[0].Message;
        Assert.Equal("a caption from bob", image.ImageMessage.Caption);
        Assert.Equal(items[0].Thumbnail, image.ImageMessage.JpegThumbnail.ToByteArray());
        Assert.True(received[3].Message.AudioMessage.Ptt);
        Assert.Equal("report.pdf", received[4].Message.DocumentMessage.FileName);

        // Without the URL the direct path is tried on every known host: the dead custom host first, then the real one.
        var byPath = image.Clone();
        byPath.ImageMessage.Url = "";
        var file = Path.Combine(Path.GetTempPath(), "media-" + Guid.NewGuid().ToString("N") + ".jpg");
        try
        {
            await ours.DownloadMediaToFileAsync(byPath, file);
            Assert.Equal(items[0].Data, await File.ReadAllBytesAsync(file));
        }
        finally
        {
            File.Delete(file);
        }

        // A message announcing another blob's hash: typed error, and no file (not even a partial one) is left.
        var lying = image.Clone();
        lying.ImageMessage.FileEncSha256 = Google.Protobuf.ByteString.CopyFrom(new byte[32]);
        var error = await Assert.ThrowsAsync<MediaException>(() => ours.DownloadMediaToFileAsync(lying, file));
        Assert.Equal(MediaFailure.FileEncSha256Mismatch, error.Failure);
        Assert.False(File.Exists(file));
        Assert.False(File.Exists(file + ".partial"));
        var intoStream = new MemoryStream();
        await Assert.ThrowsAsync<MediaException>(() => ours.DownloadMediaAsync(lying, intoStream));
        Assert.Equal(0, intoStream.Length);
    }

    [Fact]
    public async Task The_engine_sends_every_media_kind_and_Baileys_downloads_identical_bytes()
    {
        var (ours, account) = await PairEngineAsync("15550007002", MediaTls.Pinned(Host.Certificate));
        var bob = await PairBaileysAsync("bob");
        await Node.CallAsync("media.sim.watch", new { id = "bob" }, Slow);
        var thumbnail = RandomNumberGenerator.GetBytes(700);
        var sends = new OutgoingMedia[]
        {
            Media(MediaKind.Image, 40_000) with { Caption = "an image", Width = 640, Height = 480, JpegThumbnail = thumbnail },
            Media(MediaKind.Video, 150_001) with { Caption = "a video", Seconds = 12, Width = 320, Height = 240, JpegThumbnail = thumbnail },
            Media(MediaKind.Audio, 9_000) with { Seconds = 3 },
            Media(MediaKind.Audio, 7_777) with { Seconds = 2, Ptt = true },
            Media(MediaKind.Document, 65_536) with { FileName = "notes.txt", Mimetype = "text/plain", Caption = "a document", JpegThumbnail = thumbnail },
            Media(MediaKind.Sticker, 5_000) with { Width = 512, Height = 512 },
        }.Select(m => (m, ((MemoryStream)m.Content).ToArray())).ToArray();

        var ids = new List<string>();
        foreach (var (media, _) in sends) ids.Add((await ours.SendMediaAsync(Jid.Parse(bob.Jid), media)).Id);

        var atBob = await Node.CallAsync<MediaSummary[]>("media.sim.waitMedia", new { id = "bob", count = sends.Length }, Slow);
        for (var i = 0; i < sends.Length; i++)
        {
            var summary = Assert.Single(atBob, s => s.Id == ids[i]);
            var (media, data) = sends[i];
            Assert.Equal(media.Kind.ToString().ToLowerInvariant(), summary.Kind);
            var downloaded = Convert.FromBase64String(await Node.CallAsync<string>("media.sim.download", new { id = "bob", messageId = ids[i] }, Slow));
            Assert.Equal(data, downloaded);
            Assert.Equal(data.Length, summary.FileLength);
            Assert.Equal(SHA256.HashData(data), Convert.FromBase64String(summary.FileSha256!));
            Assert.Equal(32, summary.MediaKeyLength);
            Assert.NotNull(summary.DirectPath);
            Assert.StartsWith("https://", summary.Url);
            Assert.InRange(summary.MediaKeyTimestamp ?? 0, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            Assert.Equal(media.Caption, summary.Caption);
            Assert.Equal(media.Width, (uint?)summary.Width);
            Assert.Equal(media.Height, (uint?)summary.Height);
            Assert.Equal(media.Seconds, (uint?)summary.Seconds);
            Assert.Equal(media.JpegThumbnail is null ? null : Convert.ToBase64String(media.JpegThumbnail), summary.JpegThumbnail);
        }
        Assert.Equal(["image/jpeg", "video/mp4", "audio/ogg; codecs=opus", "audio/ogg; codecs=opus", "text/plain", "image/webp"], atBob.OrderBy(s => ids.IndexOf(s.Id)).Select(s => s.Mimetype));
        Assert.Equal([null, null, null, true, null, null], atBob.OrderBy(s => ids.IndexOf(s.Id)).Select(s => s.Ptt));
        Assert.Equal("notes.txt", atBob.Single(s => s.Id == ids[4]).FileName);
    }

    [Fact]
    public async Task The_self_signed_media_host_is_refused_unless_its_certificate_is_pinned()
    {
        var (platformTrust, _) = await PairEngineAsync("15550007003", validator: null);
        var bob = await PairBaileysAsync("bob");
        var refused = await Assert.ThrowsAsync<MediaTransferException>(() =>
            platformTrust.SendMediaAsync(Jid.Parse(bob.Jid), Media(MediaKind.Image, 1000)));
        Assert.Contains(Flatten(refused), e => e is HttpRequestException);

        using var other = CreateOtherCertificate();
        var (wrongPin, _) = await PairEngineAsync("15550007004", MediaTls.Pinned(other));
        await Assert.ThrowsAsync<MediaTransferException>(() => wrongPin.SendMediaAsync(Jid.Parse(bob.Jid), Media(MediaKind.Image, 1000)));
        Assert.Equal(0, Host.Simulator.Media.Count);
    }

    [Fact]
    public async Task Media_flows_both_ways_in_a_group_with_a_Baileys_member()
    {
        var (ours, _) = await PairEngineAsync("15550007005", MediaTls.Pinned(Host.Certificate));
        var bob = await PairBaileysAsync("bob");
        await Node.CallAsync("media.sim.watch", new { id = "bob" }, Slow);
        var group = (await ours.CreateGroupAsync("media team", [Jid.Parse(bob.Jid)])).Id;

        var image = Media(MediaKind.Image, 33_333) with { Caption = "to the group" };
        var imageBytes = ((MemoryStream)image.Content).ToArray();
        var document = Media(MediaKind.Document, 20_000) with { FileName = "minutes.pdf" };
        var documentBytes = ((MemoryStream)document.Content).ToArray();
        var ids = new[] { (await ours.SendMediaAsync(group, image)).Id, (await ours.SendMediaAsync(group, document)).Id };

        var atBob = await Node.CallAsync<MediaSummary[]>("media.sim.waitMedia", new { id = "bob", count = 2 }, Slow);
        Assert.Equal(ids.Order(), atBob.Select(s => s.Id).Order());
        Assert.Equal(imageBytes, Convert.FromBase64String(await Node.CallAsync<string>("media.sim.download", new { id = "bob", messageId = ids[0] }, Slow)));
        Assert.Equal(documentBytes, Convert.FromBase64String(await Node.CallAsync<string>("media.sim.download", new { id = "bob", messageId = ids[1] }, Slow)));
        Assert.Equal("to the group", atBob.Single(s => s.Id == ids[0]).Caption);

        var sticker = BaileysItem("sticker");
        await Node.CallAsync<MediaSummary[]>("media.sim.send", new { id = "bob", to = group.ToString(), items = new[] { sticker.Args } }, Slow);
        var received = Assert.Single(await NextMessagesAsync(ours, 1));
        Assert.Equal(group, received.Key.RemoteJid);
        using var downloaded = new MemoryStream();
        await ours.DownloadMediaAsync(received.Message, downloaded);
        Assert.Equal(sticker.Data, downloaded.ToArray());
    }

    private static IEnumerable<Exception> Flatten(Exception e) =>
        e is AggregateException a ? a.InnerExceptions.SelectMany(Flatten) : e.InnerException is { } inner ? [e, .. Flatten(inner)] : [e];

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 CreateOtherCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=someone else", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static (object Args, byte[] Data, byte[]? Thumbnail) BaileysItem(string kind)
    {
        var data = RandomNumberGenerator.GetBytes(kind == "video" ? 200_003 : 30_000 + kind.Length);
        var thumbnail = RandomNumberGenerator.GetBytes(500);
        object args = kind switch
        {
            "image" => new { kind, data = B64(data), caption = "a caption from bob", width = 100, height = 80, thumbnail = B64(thumbnail) },
            "video" => new { kind, data = B64(data), caption = "video from bob", seconds = 4, width = 64, height = 48, thumbnail = B64(thumbnail) },
            "audio" => new { kind, data = B64(data), seconds = 5, mimetype = "audio/mp4" },
            "ptt" => new { kind = "audio", data = B64(data), seconds = 2, ptt = true, mimetype = "audio/ogg; codecs=opus" },
            "document" => new { kind, data = B64(data), fileName = "report.pdf", mimetype = "application/pdf" },
            _ => new { kind, data = B64(data), width = 512, height = 512 },
        };
        return (args, data, thumbnail);
    }
}

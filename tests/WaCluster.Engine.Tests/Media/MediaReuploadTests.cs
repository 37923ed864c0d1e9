using System.Security.Cryptography;
using WaCluster.Core.Media;
using WaCluster.Core.Messaging;
using WaCluster.Engine.Media;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Media;
using WaCluster.TestSupport;
using ResultType = WaCluster.Protocol.Proto.MediaRetryNotification.Types.ResultType;

namespace WaCluster.Engine.Tests.Media;

/// <summary>
/// Media re-upload requests through the simulator after the media host dropped the blob: Baileys' updateMediaMessage
/// asks our engine for media it sent, our engine re-uploads the same blob and Baileys downloads identical bytes; our
/// engine asks a phone-only sender's phone and downloads; holders without the content answer "not found".
/// </summary>
[Trait("Proof", "media-interop")]
public sealed class MediaReuploadTests : MediaSimulatorTest
{
    [Fact]
    public async Task Baileys_asks_our_engine_to_reupload_expired_media_and_downloads_identical_bytes()
    {
        var (ours, _) = await PairEngineAsync("15550007201", MediaTls.Pinned(Host.Certificate));
        var bob = await PairBaileysAsync("bob");
        await Node.CallAsync("media.sim.watch", new { id = "bob" }, Slow);
        var file = Path.Combine(Path.GetTempPath(), "reupload-" + Guid.NewGuid().ToString("N") + ".jpg");
        var imageBytes = RandomNumberGenerator.GetBytes(48_123);
        await File.WriteAllBytesAsync(file, imageBytes);
        try
        {
            var image = (await ours.SendMediaAsync(Jid.Parse(bob.Jid), OutgoingMedia.FromFile(MediaKind.Image, file) with { Caption = "again?" })).Id;
            // Sent from memory without a way to read it again: we cannot re-upload it and must say so.
            var document = (await ours.SendMediaAsync(Jid.Parse(bob.Jid), Media(MediaKind.Document, 10_000))).Id;
            var before = await Node.CallAsync<MediaSummary[]>("media.sim.waitMedia", new { id = "bob", count = 2 }, Slow);

            Assert.Equal(2, Host.Simulator.Media.ExpireAll());
            var result = await Node.CallAsync<ReuploadedDto>("media.sim.downloadReuploading", new { id = "bob", messageId = image }, Slow);
            Assert.Equal(410, result.ExpiredStatus);
            Assert.Equal(imageBytes, Convert.FromBase64String(result.Data));
            Assert.NotEqual(before.Single(s => s.Id == image).DirectPath, result.DirectPath);

            var refused = await Assert.ThrowsAsync<NodeHarnessException>(() => Node.CallAsync("media.sim.downloadReuploading", new { id = "bob", messageId = document }, Slow));
            Assert.Contains("Failed to re-upload media (2)", refused.Message);

            // The content changed since: the same key no longer yields the announced blob, so it is not re-uploaded.
            await File.WriteAllBytesAsync(file, RandomNumberGenerator.GetBytes(48_123));
            Host.Simulator.Media.ExpireAll();
            var changed = await Assert.ThrowsAsync<NodeHarnessException>(() => Node.CallAsync("media.sim.downloadReuploading", new { id = "bob", messageId = image }, Slow));
            Assert.Contains("NOT_FOUND", changed.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Our_engine_asks_a_phone_only_sender_to_reupload_expired_media_and_downloads_identical_bytes()
    {
        var (ours, account) = await PairEngineAsync("15550007202", MediaTls.Pinned(Host.Certificate));
        var phone = Host.Simulator.CreateUser();
        var data = RandomNumberGenerator.GetBytes(70_001);
        using var admin = new HttpClient { BaseAddress = Host.BaseUri };
        var sent = await admin.PostAsync($"/admin/mock-phone/send-media?phone={phone.Phone}&to={Uri.EscapeDataString(account.Jid)}&type=image", new ByteArrayContent(data));
        sent.EnsureSuccessStatusCode();
        var id = System.Text.Json.JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        var received = Assert.Single(await NextMessagesAsync(ours, 1));
        Assert.Equal(id, received.Key.Id);

        Host.Simulator.Media.ExpireAll();
        using var into = new MemoryStream();
        Assert.Equal(410, (await Assert.ThrowsAsync<MediaExpiredException>(() => ours.DownloadMediaAsync(received.Message, into))).StatusCode);

        var refreshed = await ours.RequestMediaReuploadAsync(received);
        Assert.NotEqual(received.Message.ImageMessage.DirectPath, refreshed.ImageMessage.DirectPath);
        Assert.Equal(received.Message.ImageMessage.MediaKey, refreshed.ImageMessage.MediaKey);
        await ours.DownloadMediaAsync(refreshed, into);
        Assert.Equal(data, into.ToArray());

        // A message the phone never sent: the server finds no holder and answers "not found" for it.
        var unknown = received with { Key = received.Key with { Id = "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)) } };
        var notFound = await Assert.ThrowsAsync<MediaReuploadException>(() => ours.RequestMediaReuploadAsync(unknown));
        Assert.Equal(ResultType.NotFound, notFound.Result);
    }

    [Fact]
    public async Task Two_engines_reupload_for_each_other_also_for_outbox_sends_and_a_wrong_key_is_a_typed_error()
    {
        var (alice, _) = await PairEngineAsync("15550007203", MediaTls.Pinned(Host.Certificate));
        var (carol, carolAccount) = await PairEngineAsync("15550007204", MediaTls.Pinned(Host.Certificate));
        var data = RandomNumberGenerator.GetBytes(33_000);
        var sticker = new OutgoingMedia(MediaKind.Sticker, new MemoryStream(data)) { Reopen = () => new MemoryStream(data), Width = 512, Height = 512 };
        await alice.SendMediaAsync(Jid.Parse(carolAccount.Jid), sticker);
        var received = Assert.Single(await NextMessagesAsync(carol, 1));

        Host.Simulator.Media.ExpireAll();
        var refreshed = await carol.RequestMediaReuploadAsync(received);
        using var into = new MemoryStream();
        await carol.DownloadMediaAsync(refreshed, into);
        Assert.Equal(data, into.ToArray());

        // Uploaded ahead of the send and sent by a caller-chosen id (as a durable outbox does): found by its sealed request.
        var document = RandomNumberGenerator.GetBytes(21_000);
        var uploaded = await alice.UploadMediaAsync(new OutgoingMedia(MediaKind.Document, new MemoryStream(document)) { Reopen = () => new MemoryStream(document), FileName = "a.bin" });
        var outboxId = await alice.SendMessageAsync(Jid.Parse(carolAccount.Jid), uploaded, "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)));
        var viaOutbox = Assert.Single(await NextMessagesAsync(carol, 1));
        Assert.Equal(outboxId, viaOutbox.Key.Id);
        Host.Simulator.Media.ExpireAll();
        using var documentInto = new MemoryStream();
        await carol.DownloadMediaAsync(await carol.RequestMediaReuploadAsync(viaOutbox), documentInto);
        Assert.Equal(document, documentInto.ToArray());

        // Asking with another media key: alice cannot open the request and answers DECRYPTION_ERROR under her key,
        // which carol's wrong key cannot open either: a typed error, not a hang.
        var wrongKey = received.Message.Clone();
        wrongKey.StickerMessage.MediaKey = Google.Protobuf.ByteString.CopyFrom(MediaKeys.GenerateMediaKey());
        await Assert.ThrowsAsync<MediaRetryException>(() => carol.RequestMediaReuploadAsync(received.Key, wrongKey));
    }

    [Fact]
    public async Task Two_group_members_ask_at_once_and_the_sender_uploads_once_for_both()
    {
        var (alice, _) = await PairEngineAsync("15550007205", MediaTls.Pinned(Host.Certificate));
        var (carol, carolAccount) = await PairEngineAsync("15550007206", MediaTls.Pinned(Host.Certificate));
        var (dave, daveAccount) = await PairEngineAsync("15550007207", MediaTls.Pinned(Host.Certificate));
        var group = (await alice.CreateGroupAsync("re-uploads", [Jid.Parse(carolAccount.Jid), Jid.Parse(daveAccount.Jid)])).Id;
        var data = RandomNumberGenerator.GetBytes(40_000);
        var reopened = 0;
        var release = new TaskCompletionSource();
        var video = new OutgoingMedia(MediaKind.Video, new MemoryStream(data))
        {
            // The re-upload waits until both requests are in, so the second finds the first one's upload under way.
            Reopen = () =>
            {
                Interlocked.Increment(ref reopened);
                return new GatedStream(data, release.Task);
            },
        };
        await alice.SendMediaAsync(group, video);
        var atCarol = Assert.Single(await NextMessagesAsync(carol, 1));
        var atDave = Assert.Single(await NextMessagesAsync(dave, 1));
        Assert.Equal(group, atCarol.Key.RemoteJid);

        Host.Simulator.Media.ExpireAll();
        var asks = new[] { carol.RequestMediaReuploadAsync(atCarol), dave.RequestMediaReuploadAsync(atDave) };
        await Eventually.UntilAsync(() => alice.ReuploadRequestsWaiting == 2, TimeSpan.FromSeconds(30),
            () => $"both requests waiting on alice's upload (waiting: {alice.ReuploadRequestsWaiting})");
        release.SetResult();
        var refreshed = await Task.WhenAll(asks);

        Assert.Equal(1, reopened);
        Assert.Equal(refreshed[0].VideoMessage.DirectPath, refreshed[1].VideoMessage.DirectPath);
        Assert.Equal(1, Host.Simulator.Media.Count); // the one blob uploaded again
        foreach (var (engine, message) in new[] { (carol, refreshed[0]), (dave, refreshed[1]) })
        {
            using var into = new MemoryStream();
            await engine.DownloadMediaAsync(message, into);
            Assert.Equal(data, into.ToArray());
        }
    }

    /// <summary>Content whose first read waits for a signal.</summary>
    private sealed class GatedStream(byte[] data, Task gate) : MemoryStream(data, writable: false)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await gate.WaitAsync(cancellationToken);
            return await base.ReadAsync(buffer, cancellationToken);
        }
    }

    private sealed record ReuploadedDto(string Data, int? ExpiredStatus, string? DirectPath);
}

using WaCluster.Client;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cluster.Tests.Commands;

/// <summary>
/// Every message kind sent through the facade and the account's outbox, with the caller's ids, as an unmodified
/// Baileys peer receives, decrypts and downloads them.
/// </summary>
[Trait("Proof", "cluster-engine")]
public sealed class MessageKindSendTests(CommandsCluster cluster) : IClassFixture<CommandsCluster>
{
    private IWhatsAppCluster Accounts => cluster.Accounts;

    [Fact]
    public async Task Text_reply_reaction_edit_and_revoke_reach_a_Baileys_peer_with_the_callers_ids()
    {
        var account = await cluster.PairAsync("kinds", "15550003051");
        var peer = await cluster.StartBaileysAsync("kinds-peer");
        var theirs = (await cluster.Node.CallAsync<string[]>("sim.send", new { id = "kinds-peer", to = account.Jid, texts = new[] { "quote me" } }, CommandsCluster.Slow))[0];
        await cluster.Events.NextAsync<MessageReceived>("kinds", m => m.MessageId == theirs);

        await Accounts.SendTextAsync("kinds", "kinds-text-1", peer.Jid, "original");
        await Accounts.SendReplyAsync("kinds", "kinds-reply-1", peer.Jid, "replying", new MessageRef { MessageId = theirs }, "quote me");
        var received = await cluster.Node.CallAsync<List<PeerReceived>>("sim.waitReceived", new { id = "kinds-peer", count = 2 }, CommandsCluster.Slow);
        Assert.Equal(("original", null), (received.Single(m => m.Id == "kinds-text-1").Text, received.Single(m => m.Id == "kinds-text-1").QuotedId));
        Assert.Equal(("replying", theirs), (received.Single(m => m.Id == "kinds-reply-1").Text, received.Single(m => m.Id == "kinds-reply-1").QuotedId));

        await Accounts.SendReactionAsync("kinds", "kinds-react-1", peer.Jid, new MessageRef { MessageId = theirs }, "❤️");
        await Accounts.EditMessageAsync("kinds", "kinds-edit-1", peer.Jid, new MessageRef { MessageId = "kinds-text-1", FromMe = true }, "edited");
        await Accounts.RevokeMessageAsync("kinds", "kinds-revoke-1", peer.Jid, new MessageRef { MessageId = "kinds-text-1", FromMe = true });
        var changes = await cluster.Node.CallAsync<List<PeerChange>>("sim.waitChanges", new { id = "kinds-peer", count = 3 }, CommandsCluster.Slow);
        Assert.Contains(new PeerChange("kinds-react-1", "reaction", theirs, "❤️"), changes);
        Assert.Contains(new PeerChange("kinds-edit-1", "edit", "kinds-text-1", "edited"), changes);
        Assert.Contains(new PeerChange("kinds-revoke-1", "revoke", "kinds-text-1", null), changes);
        foreach (var id in new[] { "kinds-text-1", "kinds-reply-1", "kinds-react-1", "kinds-edit-1", "kinds-revoke-1" })
        {
            Assert.Equal(0, (await cluster.Events.NextAsync<SendCompleted>("kinds", s => s.MessageId == id)).ErrorCode);
        }

        // What the outbox cannot send is refused before it is persisted.
        var targetless = await Assert.ThrowsAsync<AccountCommandRejectedException>(() =>
            Accounts.SendReactionAsync("kinds", "kinds-react-2", peer.Jid, new MessageRef(), "👍"));
        Assert.Equal(RejectionReason.Invalid, targetless.Rejection.Reason);
        var badId = await Assert.ThrowsAsync<AccountCommandRejectedException>(() => Accounts.SendTextAsync("kinds", "bad id!", peer.Jid, "x"));
        Assert.Equal(RejectionReason.Invalid, badId.Rejection.Reason);
        Assert.Equal(0, (await Accounts.GetStatusAsync("kinds")).PendingSends);
    }

    [Fact]
    public async Task Every_media_kind_is_uploaded_sent_and_downloaded_by_a_Baileys_peer()
    {
        var account = await cluster.PairAsync("media", "15550003061");
        var peer = await cluster.StartBaileysAsync("media-peer");
        await cluster.Node.CallAsync("media.sim.watch", new { id = "media-peer" }, CommandsCluster.Slow);
        var file = Path.GetTempFileName();
        try
        {
            var sends = new (string Id, MediaContent Media, string Kind, byte[] Bytes)[]
            {
                Inline("media-image", MediaKind.Image, "image", 3_000, media => media.Caption = "an image"),
                Inline("media-audio", MediaKind.Audio, "audio", 2_000, media => media.Seconds = 3),
                Inline("media-voice", MediaKind.VoiceNote, "audio", 1_500, media => media.Seconds = 2),
                Inline("media-document", MediaKind.Document, "document", 5_000, media =>
                {
                    media.FileName = "report.pdf";
                    media.Caption = "the report";
                }),
                Inline("media-sticker", MediaKind.Sticker, "sticker", 800, _ => { }),
                FromFile("media-video", file, 70_000),
            };
            foreach (var send in sends)
            {
                await Accounts.SendMediaAsync("media", send.Id, peer.Jid, send.Media);
            }

            var seen = await cluster.Node.CallAsync<List<PeerMedia>>("media.sim.waitMedia", new { id = "media-peer", count = sends.Length }, CommandsCluster.Slow);
            foreach (var send in sends)
            {
                var media = Assert.Single(seen, m => m.Id == send.Id);
                Assert.Equal(send.Kind, media.Kind);
                var download = await cluster.Node.CallAsync<string>("media.sim.download", new { id = "media-peer", messageId = send.Id }, CommandsCluster.Slow);
                Assert.Equal(send.Bytes, Convert.FromBase64String(download));
                Assert.Equal(0, (await cluster.Events.NextAsync<SendCompleted>("media", s => s.MessageId == send.Id)).ErrorCode);
            }
            Assert.Equal("an image", seen.Single(m => m.Id == "media-image").Caption);
            Assert.Equal(("report.pdf", "the report"), (seen.Single(m => m.Id == "media-document").FileName, seen.Single(m => m.Id == "media-document").Caption));
            Assert.True(seen.Single(m => m.Id == "media-voice").Ptt);
            Assert.NotEqual(true, seen.Single(m => m.Id == "media-audio").Ptt);

            var unreadable = await Assert.ThrowsAsync<AccountCommandRejectedException>(() => Accounts.SendMediaAsync("media", "media-missing", peer.Jid,
                new MediaContent { Kind = MediaKind.Image, FilePath = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N")) }));
            Assert.Equal(RejectionReason.Invalid, unreadable.Rejection.Reason);
            var both = await Assert.ThrowsAsync<AccountCommandRejectedException>(() => Accounts.SendMediaAsync("media", "media-both", peer.Jid,
                new MediaContent { Kind = MediaKind.Image, FilePath = file, Data = Google.Protobuf.ByteString.CopyFrom(1, 2, 3) }));
            Assert.Contains("either data or a file path", both.Rejection.Detail);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static (string, MediaContent, string, byte[]) Inline(string id, MediaKind kind, string baileysKind, int size, Action<MediaContent> describe)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        var media = new MediaContent { Kind = kind, Data = Google.Protobuf.ByteString.CopyFrom(bytes) };
        describe(media);
        return (id, media, baileysKind, bytes);
    }

    private static (string, MediaContent, string, byte[]) FromFile(string id, string path, int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return (id, new MediaContent { Kind = MediaKind.Video, FilePath = path, Seconds = 4 }, "video", bytes);
    }

    private sealed record PeerReceived(string Id, string Text, string? QuotedId);

    private sealed record PeerChange(string? Id, string Kind, string TargetId, string? Text);

    private sealed record PeerMedia(string Id, string Kind, string? Caption, string? FileName, bool? Ptt);
}

using WaCluster.Core.Iq;
using WaCluster.Core.Media;
using WaCluster.Engine.Media;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Media;
using WaCluster.Protocol.Proto;

namespace WaCluster.Engine;

// Media messages: upload through the media hosts, then send like any message; download and verify received media.
public sealed partial class AccountEngine
{
    private MediaTransfer? _media;

    private MediaTransfer Media => LazyInitializer.EnsureInitialized(ref _media, () =>
        new MediaTransfer(MediaTls.CreateClient(Options), new MediaConnectionCache(FetchMediaConnectionAsync, _time), Options, _time));

    /// <summary>
    /// Encrypts and uploads <paramref name="media"/> (streamed from its Content), then sends the media message to
    /// <paramref name="to"/>. Returns the message id and the message as sent.
    /// </summary>
    public async Task<(string Id, Message Message)> SendMediaAsync(Jid to, OutgoingMedia media, string? messageId = null,
        CancellationToken cancellationToken = default)
    {
        var (message, remembered) = await UploadAsync(media, cancellationToken).ConfigureAwait(false);
        var id = await SendMessageAsync(to, message, messageId, cancellationToken).ConfigureAwait(false);
        if (remembered is not null) SentMedia.Bind(id, remembered);
        return (id, message);
    }

    /// <summary>
    /// Encrypts and uploads <paramref name="media"/> and returns the media message that points at the blob, ready for
    /// <see cref="SendMessageAsync(Jid, Message, string?, CancellationToken)"/> (e.g. through a durable outbox). With
    /// <see cref="OutgoingMedia.Reopen"/> set, re-upload requests for the message are answered as for SendMediaAsync.
    /// </summary>
    public async Task<Message> UploadMediaAsync(OutgoingMedia media, CancellationToken cancellationToken = default) =>
        (await UploadAsync(media, cancellationToken).ConfigureAwait(false)).Message;

    private async Task<(Message Message, SentMedia? Remembered)> UploadAsync(OutgoingMedia media, CancellationToken cancellationToken)
    {
        if (_session is null) throw new ConnectionClosedException("not connected");
        var (prepared, spool) = await WithThumbnailAsync(media, cancellationToken).ConfigureAwait(false);
        MediaUpload upload;
        await using (spool)
        {
            upload = await Media.UploadAsync(prepared.Content, media.EncryptionType, cancellationToken).ConfigureAwait(false);
        }
        return (MediaMessages.Build(prepared, upload), RememberUpload(media, upload));
    }

    /// <summary>
    /// As Baileys does, an image sent without a thumbnail gets one made from it (and its dimensions when the caller gave
    /// none). A video gets one only from a caller-given frame: the engine carries no video decoder (Baileys runs ffmpeg).
    /// Stickers, audio and documents get none, as in Baileys. Content that cannot be read twice is spooled to a
    /// temporary file (returned for disposal) so the thumbnail and the upload both read it.
    /// </summary>
    private async Task<(OutgoingMedia Media, FileStream? Spool)> WithThumbnailAsync(OutgoingMedia media, CancellationToken cancellationToken)
    {
        if (media.JpegThumbnail is not null) return (media, null);
        if (media is { Kind: MediaKind.Video, VideoFrame: { } frame })
        {
            using var still = new MemoryStream(frame, writable: false);
            return (ImageThumbnail.TryCreate(still) is { } fromFrame ? media with { JpegThumbnail = fromFrame.Jpeg } : media, null);
        }
        if (media.Kind != MediaKind.Image) return (media, null);
        FileStream? spool = null;
        var content = media.Content;
        if (!content.CanSeek)
        {
            spool = Media.TemporaryFile();
            await content.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
            spool.Position = 0;
            content = spool;
        }
        var start = content.Position;
        var thumbnail = ImageThumbnail.TryCreate(content);
        content.Position = start;
        if (thumbnail is null) return (media with { Content = content }, spool);
        var withThumbnail = media with { Content = content, JpegThumbnail = thumbnail.Jpeg };
        if (media.Width is null) withThumbnail = withThumbnail with { Width = (uint)thumbnail.OriginalWidth, Height = (uint)thumbnail.OriginalHeight };
        return (withThumbnail, spool);
    }

    /// <summary>
    /// Downloads the media of <paramref name="message"/>, decrypts and verifies it, and only then writes the plaintext
    /// to <paramref name="destination"/>. Throws <see cref="MediaException"/> for a blob that fails verification.
    /// </summary>
    public Task<DecryptedMedia> DownloadMediaAsync(Message message, Stream destination, CancellationToken cancellationToken = default) =>
        Media.DownloadAsync(LocateMedia(message), destination, cancellationToken);

    /// <summary>Downloads the media of <paramref name="message"/> into <paramref name="path"/>, which appears only when verified.</summary>
    public Task<DecryptedMedia> DownloadMediaToFileAsync(Message message, string path, CancellationToken cancellationToken = default) =>
        Media.DownloadToFileAsync(LocateMedia(message), path, cancellationToken);

    private static MediaLocation LocateMedia(Message message) =>
        MediaMessages.Locate(message) ?? throw new MediaTransferException("the message carries no image, video, audio, document or sticker");

    private async Task<MediaConnection> FetchMediaConnectionAsync(CancellationToken cancellationToken)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        return await session.QueryAsync(new MediaConnSpec(_time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
    }
}

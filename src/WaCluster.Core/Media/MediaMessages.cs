using Google.Protobuf;
using WaCluster.Protocol.Media;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.Media;

/// <summary>Builds the media message for an upload and reads back what a received media message points at.</summary>
public static class MediaMessages
{
    /// <summary>The message Baileys' prepareWAMessageMedia would build for <paramref name="media"/> after <paramref name="upload"/>.</summary>
    public static Message Build(OutgoingMedia media, MediaUpload upload)
    {
        var e = upload.Encrypted;
        var key = ByteString.CopyFrom(e.MediaKey);
        var plainHash = ByteString.CopyFrom(e.FileSha256);
        var blobHash = ByteString.CopyFrom(e.FileEncSha256);
        var length = (ulong)e.FileLength;
        var keyTime = upload.MediaKeyTimestamp.ToUnixTimeSeconds();
        var thumbnail = media.JpegThumbnail is { } t ? ByteString.CopyFrom(t) : null;
        var message = new Message();
        switch (media.Kind)
        {
            case MediaKind.Image:
                var image = new Message.Types.ImageMessage { Url = upload.Url, DirectPath = upload.DirectPath, MediaKey = key, FileSha256 = plainHash, FileEncSha256 = blobHash,
                    FileLength = length, MediaKeyTimestamp = keyTime, Mimetype = media.DefaultedMimetype };
                if (media.Caption is { } imageCaption) image.Caption = imageCaption;
                if (media.Width is { } iw) image.Width = iw;
                if (media.Height is { } ih) image.Height = ih;
                if (thumbnail is not null) image.JpegThumbnail = thumbnail;
                message.ImageMessage = image;
                break;
            case MediaKind.Video:
                var video = new Message.Types.VideoMessage { Url = upload.Url, DirectPath = upload.DirectPath, MediaKey = key, FileSha256 = plainHash, FileEncSha256 = blobHash,
                    FileLength = length, MediaKeyTimestamp = keyTime, Mimetype = media.DefaultedMimetype };
                if (media.Caption is { } videoCaption) video.Caption = videoCaption;
                if (media.Width is { } vw) video.Width = vw;
                if (media.Height is { } vh) video.Height = vh;
                if (media.Seconds is { } vs) video.Seconds = vs;
                if (media.GifPlayback) video.GifPlayback = true;
                if (thumbnail is not null) video.JpegThumbnail = thumbnail;
                message.VideoMessage = video;
                break;
            case MediaKind.Audio:
                var audio = new Message.Types.AudioMessage { Url = upload.Url, DirectPath = upload.DirectPath, MediaKey = key, FileSha256 = plainHash, FileEncSha256 = blobHash,
                    FileLength = length, MediaKeyTimestamp = keyTime, Mimetype = media.DefaultedMimetype };
                if (media.Seconds is { } seconds) audio.Seconds = seconds;
                if (media.Ptt) audio.Ptt = true;
                message.AudioMessage = audio;
                break;
            case MediaKind.Document:
                var document = new Message.Types.DocumentMessage { Url = upload.Url, DirectPath = upload.DirectPath, MediaKey = key, FileSha256 = plainHash, FileEncSha256 = blobHash,
                    FileLength = length, MediaKeyTimestamp = keyTime, Mimetype = media.DefaultedMimetype, FileName = media.FileName ?? "file" };
                if (media.Caption is { } documentCaption) document.Caption = documentCaption;
                if (thumbnail is not null) document.JpegThumbnail = thumbnail;
                message.DocumentMessage = document;
                break;
            case MediaKind.Sticker:
                var sticker = new Message.Types.StickerMessage { Url = upload.Url, DirectPath = upload.DirectPath, MediaKey = key, FileSha256 = plainHash, FileEncSha256 = blobHash,
                    FileLength = length, MediaKeyTimestamp = keyTime, Mimetype = media.DefaultedMimetype };
                if (media.Width is { } sw) sticker.Width = sw;
                if (media.Height is { } sh) sticker.Height = sh;
                message.StickerMessage = sticker;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(media), media.Kind, "unknown media kind");
        }
        return message;
    }

    /// <summary>Where the media of <paramref name="message"/> lives and how to decrypt and check it; null if it carries none.</summary>
    public static MediaLocation? Locate(Message message) => message switch
    {
        { ImageMessage: { } m } => Location(MediaKind.Image, MediaType.Image, m.Url, m.DirectPath, m.MediaKey, m.FileSha256, m.FileEncSha256),
        { VideoMessage: { } m } => Location(MediaKind.Video, MediaType.Video, m.Url, m.DirectPath, m.MediaKey, m.FileSha256, m.FileEncSha256),
        { AudioMessage: { } m } => Location(MediaKind.Audio, MediaType.Audio, m.Url, m.DirectPath, m.MediaKey, m.FileSha256, m.FileEncSha256),
        { DocumentMessage: { } m } => Location(MediaKind.Document, MediaType.Document, m.Url, m.DirectPath, m.MediaKey, m.FileSha256, m.FileEncSha256),
        { StickerMessage: { } m } => Location(MediaKind.Sticker, MediaType.Sticker, m.Url, m.DirectPath, m.MediaKey, m.FileSha256, m.FileEncSha256),
        _ => null,
    };

    /// <summary>A copy of <paramref name="message"/> whose media now lives at <paramref name="directPath"/> (after a re-upload).</summary>
    public static Message WithDirectPath(Message message, string directPath, string url)
    {
        var copy = message.Clone();
        switch (copy)
        {
            case { ImageMessage: { } m }: m.DirectPath = directPath; m.Url = url; break;
            case { VideoMessage: { } m }: m.DirectPath = directPath; m.Url = url; break;
            case { AudioMessage: { } m }: m.DirectPath = directPath; m.Url = url; break;
            case { DocumentMessage: { } m }: m.DirectPath = directPath; m.Url = url; break;
            case { StickerMessage: { } m }: m.DirectPath = directPath; m.Url = url; break;
            default: throw new MediaTransferException("the message carries no image, video, audio, document or sticker");
        }
        return copy;
    }

    private static MediaLocation Location(MediaKind kind, MediaType type, string url, string directPath, ByteString key, ByteString plainHash, ByteString blobHash)
    {
        if (key.Length != MediaKeys.MediaKeyLength) throw new MediaTransferException($"{kind} message has no valid media key");
        return new MediaLocation(kind, type, url.Length == 0 ? null : url, directPath.Length == 0 ? null : directPath, key.ToByteArray(),
            new MediaChecks(blobHash.Length == 0 ? null : blobHash.ToByteArray(), plainHash.Length == 0 ? null : plainHash.ToByteArray()));
    }
}

/// <summary>A received media blob's address, key and announced hashes.</summary>
public sealed record MediaLocation(MediaKind Kind, MediaType Type, string? Url, string? DirectPath, byte[] MediaKey, MediaChecks Checks)
{
    public override string ToString() => $"MediaLocation({Kind}, {DirectPath ?? Url})";
}

using WaCluster.Protocol.Media;

namespace WaCluster.Core.Media;

/// <summary>The kinds of media message the engine sends and downloads.</summary>
public enum MediaKind
{
    Image,
    Video,
    Audio,
    Document,
    Sticker,
}

/// <summary>
/// A media message to send. <see cref="Content"/> is read once, in chunks (never whole into memory). Optional fields
/// are left out of the message when null, like Baileys does; <see cref="Mimetype"/> defaults per kind as in Baileys.
/// </summary>
public sealed record OutgoingMedia(MediaKind Kind, Stream Content)
{
    /// <summary>
    /// Opens the same content again, to answer a recipient's re-upload request once the host dropped the blob. Without
    /// it such requests are answered "not found". The engine keeps only this delegate, for its last 512 media uploads.
    /// </summary>
    public Func<Stream>? Reopen { get; init; }

    public string? Mimetype { get; init; }

    /// <summary>Caption under an image, video or document.</summary>
    public string? Caption { get; init; }

    /// <summary>
    /// Small JPEG preview for image, video and document. Left null for an image, the engine makes it as Baileys does
    /// (32 px wide, JPEG quality 50); for a video, from <see cref="VideoFrame"/> when given.
    /// </summary>
    public byte[]? JpegThumbnail { get; init; }

    /// <summary>An encoded still of the video (JPEG, PNG or WebP), to make its thumbnail from; the engine decodes no video.</summary>
    public byte[]? VideoFrame { get; init; }

    public uint? Width { get; init; }

    public uint? Height { get; init; }

    /// <summary>Duration of a video or audio.</summary>
    public uint? Seconds { get; init; }

    /// <summary>An audio that is a voice note (push-to-talk).</summary>
    public bool Ptt { get; init; }

    /// <summary>A video that plays as a GIF.</summary>
    public bool GifPlayback { get; init; }

    /// <summary>Name of a document (Baileys' default "file").</summary>
    public string? FileName { get; init; }

    /// <summary>The media type the blob is encrypted and uploaded as; voice notes use the audio keys as Baileys does.</summary>
    internal MediaType EncryptionType => Kind switch
    {
        MediaKind.Image => MediaType.Image,
        MediaKind.Video => MediaType.Video,
        MediaKind.Audio => MediaType.Audio,
        MediaKind.Document => MediaType.Document,
        MediaKind.Sticker => MediaType.Sticker,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown media kind"),
    };

    /// <summary>The <c>mediatype</c> attribute of the enc nodes (Baileys' getMediaType).</summary>
    internal string StanzaMediaType => Kind switch
    {
        MediaKind.Video when GifPlayback => "gif",
        MediaKind.Audio when Ptt => "ptt",
        _ => EncryptionType.WireName(),
    };

    internal string DefaultedMimetype => Mimetype ?? Kind switch
    {
        MediaKind.Image => "image/jpeg",
        MediaKind.Video => "video/mp4",
        MediaKind.Audio => "audio/ogg; codecs=opus",
        MediaKind.Document => "application/pdf",
        _ => "image/webp",
    };
}

using System.Text;

namespace WaCluster.Protocol.Media;

/// <summary>What a media blob is, which decides the HKDF info its keys are expanded with.</summary>
public enum MediaType
{
    Image,
    Video,
    Audio,
    Document,
    Sticker,
    Ptt,
    Gif,
    Ptv,
    ImageThumbnail,
    VideoThumbnail,
    DocumentThumbnail,
    LinkThumbnail,
    History,
    AppState,
    Product,
    ProductCatalogImage,
    ProfilePicture,
    PaymentBackground,
    BusinessCoverPhoto,
}

/// <summary>Wire names and HKDF info strings of <see cref="MediaType"/>, as WhatsApp clients use them.</summary>
public static class MediaTypes
{
    // (wire name, label in "WhatsApp <label> Keys"); indexed by the enum value.
    private static readonly (string Name, string Label)[] Table =
    [
        ("image", "Image"),
        ("video", "Video"),
        ("audio", "Audio"),
        ("document", "Document"),
        ("sticker", "Image"),
        ("ptt", "Audio"),
        ("gif", "Video"),
        ("ptv", "Video"),
        ("thumbnail-image", "Image Thumbnail"),
        ("thumbnail-video", "Video Thumbnail"),
        ("thumbnail-document", "Document Thumbnail"),
        ("thumbnail-link", "Link Thumbnail"),
        ("md-msg-hist", "History"),
        ("md-app-state", "App State"),
        ("product", "Image"),
        // These two have no label, so their info keeps both spaces: "WhatsApp  Keys".
        ("product-catalog-image", ""),
        ("ppic", ""),
        ("payment-bg-image", "Payment Background"),
        ("biz-cover-photo", "Image"),
    ];

    private static readonly byte[][] Infos = Table.Select(t => Encoding.ASCII.GetBytes($"WhatsApp {t.Label} Keys")).ToArray();

    public static IReadOnlyList<MediaType> All { get; } = Enum.GetValues<MediaType>();

    /// <summary>The name clients use for the type ("image", "thumbnail-link", "md-msg-hist", ...).</summary>
    public static string WireName(this MediaType type) => Table[Index(type)].Name;

    /// <summary>The HKDF info the media key is expanded with, e.g. "WhatsApp Image Keys".</summary>
    public static ReadOnlySpan<byte> HkdfInfo(this MediaType type) => Infos[Index(type)];

    public static bool TryParse(string wireName, out MediaType type)
    {
        var index = Array.FindIndex(Table, t => t.Name == wireName);
        type = (MediaType)Math.Max(index, 0);
        return index >= 0;
    }

    private static int Index(MediaType type) =>
        (uint)type < (uint)Table.Length ? (int)type : throw new ArgumentOutOfRangeException(nameof(type), type, "unknown media type");
}

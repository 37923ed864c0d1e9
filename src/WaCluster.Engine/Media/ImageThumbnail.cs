using SkiaSharp;
using WaCluster.Core.Messaging;

namespace WaCluster.Engine.Media;

/// <summary>
/// The JPEG preview WhatsApp clients show before a media is downloaded, made as Baileys makes it (sharp or jimp):
/// scaled to 32 px wide with the height in proportion, JPEG quality 50; the original dimensions come along.
/// </summary>
internal static class ImageThumbnail
{
    public const int Width = 32;
    public const int JpegQuality = 50;

    // Decoding is the only step whose memory grows with the input: JPEGs decode pre-shrunk (1/8 at most), other
    // formats whole, so anything that would still need more than this many pixels gets no thumbnail.
    private const long MaxDecodedPixels = 40_000_000;

    // A thumbnail taller than this (an image hundreds of times taller than wide) is no preview worth sending.
    private const int MaxHeight = 1024;

    public sealed record Result(byte[] Jpeg, int OriginalWidth, int OriginalHeight);

    /// <summary>The thumbnail of the encoded image in <paramref name="image"/>; null when it is not an image we can decode in bounds.</summary>
    public static Result? TryCreate(Stream image)
    {
        using var codec = SKCodec.Create(new NonDisposingStream(image));
        if (codec is null) return null;
        var original = codec.Info;
        if (original.Width <= 0 || original.Height <= 0) return null;
        var height = (int)Math.Max(1, Math.Round((double)original.Height * Width / original.Width));
        if (height > MaxHeight) return null;

        var scaled = codec.GetScaledDimensions(Math.Min(1f, (float)Width / original.Width));
        if ((long)scaled.Width * scaled.Height > MaxDecodedPixels) return null;
        using var decoded = new SKBitmap(new SKImageInfo(scaled.Width, scaled.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (codec.GetPixels(decoded.Info, decoded.GetPixels()) != SKCodecResult.Success) return null;

        using var thumbnail = decoded.Resize(new SKImageInfo(Width, height, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        if (thumbnail is null) return null;
        using var jpeg = thumbnail.Encode(SKEncodedImageFormat.Jpeg, JpegQuality);
        return jpeg is null ? null : new Result(jpeg.ToArray(), original.Width, original.Height);
    }
}

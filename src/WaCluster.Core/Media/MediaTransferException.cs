namespace WaCluster.Core.Media;

/// <summary>Media could not be uploaded or fetched: no usable host answered, or an answer made no sense.</summary>
public class MediaTransferException(string message, Exception? inner = null) : EngineException(message, inner);

/// <summary>
/// The media host no longer has the blob (HTTP 404 or 410, as WhatsApp's CDN answers for expired media): only a
/// re-upload by a holder of the plaintext brings it back (see <c>AccountEngine.RequestMediaReuploadAsync</c>).
/// </summary>
public sealed class MediaExpiredException(string message, int statusCode, Exception? inner = null) : MediaTransferException(message, inner)
{
    /// <summary>The HTTP status the host answered (404 or 410).</summary>
    public int StatusCode { get; } = statusCode;
}

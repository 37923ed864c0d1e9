using WaCluster.Core.Messaging;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.Media;

/// <summary>The holder of the media answered a re-upload request with a failure (most often: it no longer has the media).</summary>
public sealed class MediaReuploadException(MediaRetryNotification.Types.ResultType result, string message) : MediaTransferException(message)
{
    public MediaRetryNotification.Types.ResultType Result { get; } = result;
}

using System.Collections.Concurrent;
using WaCluster.Core.Events;
using WaCluster.Core.Iq;
using WaCluster.Core.Media;
using WaCluster.Core.Messaging;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Media;
using WaCluster.Protocol;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Media;
using WaCluster.Protocol.Proto;
using ResultType = WaCluster.Protocol.Proto.MediaRetryNotification.Types.ResultType;

namespace WaCluster.Engine;

// Media re-upload requests, both sides: asking the holder of an expired media to upload it again, and answering such
// requests for media we sent.
public sealed partial class AccountEngine
{
    private static readonly TimeSpan DefaultReuploadTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, TaskCompletionSource<MediaRetryNodes.ReceivedAnswer>> _pendingReuploads = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<SentMedia, Lazy<Task<MediaUpload>>> _reuploadsInFlight = new(ReferenceEqualityComparer.Instance);

    private SentMediaStore? _sentMedia;

    private int _reuploadRequestsWaiting;

    /// <summary>Our re-upload requests waiting for the holder's answer, by message id.</summary>
    internal ConcurrentDictionary<string, TaskCompletionSource<MediaRetryNodes.ReceivedAnswer>> PendingReuploads => _pendingReuploads;

    /// <summary>Re-upload requests for our media now waiting on an upload under way (read by tests that prove requests share one).</summary>
    internal int ReuploadRequestsWaiting => Volatile.Read(ref _reuploadRequestsWaiting);

    /// <summary>Our media messages whose content we can reopen for a re-upload.</summary>
    internal SentMediaStore SentMedia => LazyInitializer.EnsureInitialized(ref _sentMedia, () => new SentMediaStore());

    /// <summary>
    /// Asks the holder of <paramref name="received"/>'s media (its sender's device or phone) to upload it again, after a
    /// download failed with <see cref="MediaExpiredException"/>. Returns the message pointing at the new blob; throws
    /// <see cref="MediaReuploadException"/> when the holder cannot, <see cref="TimeoutException"/> when nobody answers.
    /// </summary>
    public Task<Message> RequestMediaReuploadAsync(ReceivedMessage received, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        RequestMediaReuploadAsync(received.Key, received.Message, timeout, cancellationToken);

    /// <inheritdoc cref="RequestMediaReuploadAsync(ReceivedMessage, TimeSpan?, CancellationToken)"/>
    public async Task<Message> RequestMediaReuploadAsync(WaMessageKey key, Message message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var session = _session ?? throw new ConnectionClosedException("not connected");
        var me = Creds.Me is { } contact ? Jid.Parse(contact.Id) : throw new ConnectionClosedException("not logged in");
        var media = LocateMedia(message);
        var answer = new TaskCompletionSource<MediaRetryNodes.ReceivedAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pendingReuploads.TryAdd(key.Id, answer)) throw new InvalidOperationException($"a re-upload of {key.Id} is already requested");
        try
        {
            await session.SendAsync(MediaRetryNodes.Request(key, media.MediaKey, me), cancellationToken).ConfigureAwait(false);
            var received = await answer.Task.WaitAsync(timeout ?? DefaultReuploadTimeout, _time, cancellationToken).ConfigureAwait(false);
            if (received.ErrorCode is { } code)
            {
                throw new MediaReuploadException((ResultType)code, $"the holder of {key.Id}'s media could not re-upload it (error {code})");
            }
            var notification = MediaRetryCrypto.DecryptNotification(received.Payload!.Value, key.Id, media.MediaKey);
            if (notification.Result != ResultType.Success)
            {
                throw new MediaReuploadException(notification.Result, $"the holder of {key.Id}'s media answered {notification.Result}");
            }
            // The path goes into a URL on our media hosts: anything but an absolute path is not one we follow.
            if (notification.DirectPath is not { Length: > 0 } directPath || !directPath.StartsWith('/') || directPath.StartsWith("//", StringComparison.Ordinal))
            {
                throw new MediaRetryException($"the re-upload answer for {key.Id} names no usable direct path");
            }
            var host = (await Media.HostsAsync(cancellationToken).ConfigureAwait(false))[0];
            return MediaMessages.WithDirectPath(message, directPath, $"https://{host}{directPath}");
        }
        finally
        {
            _pendingReuploads.TryRemove(KeyValuePair.Create(key.Id, answer));
        }
    }

    /// <summary>Keeps what a later re-upload request for this upload needs, when the caller gave a way to reopen the content.</summary>
    private SentMedia? RememberUpload(OutgoingMedia media, MediaUpload upload)
    {
        if (media.Reopen is not { } reopen) return null;
        var sent = new SentMedia(media.EncryptionType, upload.Encrypted.MediaKey, upload.Encrypted.FileEncSha256, reopen);
        SentMedia.Add(sent);
        return sent;
    }

    // Requests that arrive while the same media is being uploaded again share that upload: a burst costs one upload.
    private async Task<MediaUpload> UploadAgainAsync(SentMedia sent, CancellationToken cancellationToken)
    {
        var upload = _reuploadsInFlight.GetOrAdd(sent, media => new Lazy<Task<MediaUpload>>(async () =>
        {
            await using var content = media.Reopen();
            return await Media.ReuploadAsync(content, media, cancellationToken).ConfigureAwait(false);
        }));
        Interlocked.Increment(ref _reuploadRequestsWaiting);
        try
        {
            return await upload.Value.ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _reuploadRequestsWaiting);
            _reuploadsInFlight.TryRemove(KeyValuePair.Create(sent, upload));
        }
    }

    internal async Task<MediaRetryNotification> ReuploadAsync(MediaRetryNodes.ReceivedRequest request, SentMedia sent, CancellationToken cancellationToken)
    {
        var notification = new MediaRetryNotification { StanzaId = request.Id };
        // WhatsApp Web sends the sealed request although holders answer without it: when present it must open.
        if (request.Payload is { } payload)
        {
            try
            {
                MediaRetryCrypto.DecryptRequest(payload, request.Id, sent.MediaKey);
            }
            catch (MediaRetryException)
            {
                notification.Result = ResultType.DecryptionError;
                return notification;
            }
        }
        try
        {
            var upload = await UploadAgainAsync(sent, cancellationToken).ConfigureAwait(false);
            notification.DirectPath = upload.DirectPath;
            notification.Result = ResultType.Success;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ProtocolException && !cancellationToken.IsCancellationRequested)
        {
            // The content is gone or changed, or no host took it: the requester learns we cannot, not why.
            Emit(new EngineError("media re-upload", ex));
            notification.Result = ex switch
            {
                MediaReuploadException refused => refused.Result,
                IOException or UnauthorizedAccessException => ResultType.NotFound,
                _ => ResultType.GeneralError,
            };
        }
        return notification;
    }
}

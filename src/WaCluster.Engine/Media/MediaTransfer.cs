using System.Net.Http.Headers;
using System.Text.Json;
using WaCluster.Core;
using WaCluster.Core.Media;
using WaCluster.Protocol.Media;
using WaCluster.Protocol.Proto;

namespace WaCluster.Engine.Media;

/// <summary>
/// Uploads encrypted blobs to, and downloads them from, the media hosts: each host in turn until one succeeds.
/// Blobs go through temporary files so neither side ever holds a whole file in memory, and the caller never sees
/// bytes that were not verified.
/// </summary>
internal sealed class MediaTransfer(HttpClient http, MediaConnectionCache connections, EngineOptions options, TimeProvider time)
{
    /// <summary>Encrypts <paramref name="plaintext"/> under a new media key and uploads it (Baileys' getWAUploadToServer).</summary>
    public Task<MediaUpload> UploadAsync(Stream plaintext, MediaType type, CancellationToken cancellationToken) =>
        UploadAsync(plaintext, type, MediaKeys.GenerateMediaKey(), null, cancellationToken);

    /// <summary>
    /// Uploads the same blob again for a re-upload request: the same key over the same content gives the same blob,
    /// so the recipient's message stays valid but for its new direct path. Content that changed since is refused.
    /// </summary>
    public Task<MediaUpload> ReuploadAsync(Stream plaintext, SentMedia sent, CancellationToken cancellationToken) =>
        UploadAsync(plaintext, sent.Type, sent.MediaKey, sent.FileEncSha256, cancellationToken);

    private async Task<MediaUpload> UploadAsync(Stream plaintext, MediaType type, byte[] mediaKey, byte[]? expectedBlobHash, CancellationToken cancellationToken)
    {
        // The upload URL names the blob's hash, known only once it is encrypted: encrypt to a temporary file first.
        await using var blob = TemporaryFile();
        var encrypted = await MediaEncryptor.EncryptAsync(plaintext, blob, mediaKey, type, cancellationToken).ConfigureAwait(false);
        if (expectedBlobHash is not null && !encrypted.FileEncSha256.AsSpan().SequenceEqual(expectedBlobHash))
        {
            throw new MediaReuploadException(MediaRetryNotification.Types.ResultType.NotFound, "the media content changed since it was sent");
        }
        var token = Base64Url(encrypted.FileEncSha256);
        var connection = await connections.GetAsync(false, cancellationToken).ConfigureAwait(false);
        var failures = new List<Exception>();
        foreach (var host in options.CustomMediaHosts.Concat(connection.Hosts))
        {
            var url = $"https://{host}{UploadPath(type)}/{token}?auth={Uri.EscapeDataString(connection.Auth)}&token={token}";
            try
            {
                blob.Position = 0;
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StreamContent(new NonDisposingStream(blob)) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                request.Content.Headers.ContentLength = blob.Length;
                request.Headers.TryAddWithoutValidation("Origin", "https://web.whatsapp.com");
                using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                var answer = await ReadAnswerAsync(response, cancellationToken).ConfigureAwait(false);
                if (answer is { Url: { } mediaUrl, DirectPath: { } directPath })
                {
                    return new MediaUpload(mediaUrl, directPath, encrypted, time.GetUtcNow());
                }
                // Like Baileys: an upload the host refused may be down to stale auth, so the next host gets fresh auth.
                connection = await connections.GetAsync(true, cancellationToken).ConfigureAwait(false);
                failures.Add(new MediaTransferException($"upload to {host} refused with HTTP {(int)response.StatusCode}"));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or MediaTransferException && !cancellationToken.IsCancellationRequested)
            {
                failures.Add(ex);
            }
        }
        throw new MediaTransferException("media upload failed on every host", new AggregateException(failures));
    }

    /// <summary>The media hosts of the current media_conn, in the server's order.</summary>
    public async Task<IReadOnlyList<string>> HostsAsync(CancellationToken cancellationToken) =>
        (await connections.GetAsync(false, cancellationToken).ConfigureAwait(false)).Hosts;

    /// <summary>Downloads and verifies <paramref name="media"/> into <paramref name="destination"/>, which receives only verified plaintext.</summary>
    public async Task<DecryptedMedia> DownloadAsync(MediaLocation media, Stream destination, CancellationToken cancellationToken)
    {
        await using var plaintext = TemporaryFile();
        var result = await DownloadAsync(media, async blob =>
        {
            plaintext.SetLength(0);
            return await MediaDecryptor.DecryptAsync(blob, plaintext, media.MediaKey, media.Type, media.Checks, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        plaintext.Position = 0;
        await plaintext.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Downloads and verifies <paramref name="media"/> into the file at <paramref name="path"/>, which appears only if verified.</summary>
    public Task<DecryptedMedia> DownloadToFileAsync(MediaLocation media, string path, CancellationToken cancellationToken) =>
        DownloadAsync(media, blob => MediaDecryptor.DecryptToFileAsync(blob, path, media.MediaKey, media.Type, media.Checks, cancellationToken), cancellationToken);

    /// <summary>
    /// Downloads the blob at <paramref name="directPath"/> (tried on every media host), refusing an answer over
    /// <paramref name="maxBlobBytes"/>, and decrypts and verifies it into the file at <paramref name="path"/>, which
    /// appears only if verified.
    /// </summary>
    public Task<DecryptedMedia> DownloadToFileAsync(MediaType type, string directPath, byte[] mediaKey, MediaChecks checks, long maxBlobBytes, string path,
        CancellationToken cancellationToken) =>
        DownloadAsync(new BlobAddress(type.WireName(), null, directPath), blob => MediaDecryptor.DecryptToFileAsync(new BoundedStream(blob, maxBlobBytes), path, mediaKey, type, checks,
            cancellationToken), cancellationToken);

    private Task<DecryptedMedia> DownloadAsync(MediaLocation media, Func<Stream, Task<DecryptedMedia>> decrypt, CancellationToken cancellationToken) =>
        DownloadAsync(new BlobAddress(media.Kind.ToString(), media.Url, media.DirectPath), decrypt, cancellationToken);

    private async Task<DecryptedMedia> DownloadAsync(BlobAddress media, Func<Stream, Task<DecryptedMedia>> decrypt, CancellationToken cancellationToken)
    {
        var failures = new List<Exception>();
        int? gone = null;
        foreach (var url in await CandidateUrlsAsync(media, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.TryAddWithoutValidation("Origin", "https://web.whatsapp.com");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    var status = (int)response.StatusCode;
                    if (status is 404 or 410) gone ??= status;
                    failures.Add(new MediaTransferException($"download from {url.Host} answered HTTP {status}"));
                    continue;
                }
                await using var blob = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                // A blob that fails verification (MediaException) is the wrong content, not a host problem: no retry.
                return await decrypt(blob).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failures.Add(ex);
            }
        }
        // A host that answered but no longer has the blob means the media expired, whatever unreachable hosts did.
        if (gone is { } code) throw new MediaExpiredException($"{media.Kind} media is gone from the media host (HTTP {code})", code, new AggregateException(failures));
        throw new MediaTransferException($"{media.Kind} download failed on every host", new AggregateException(failures));
    }

    // The message's own URL first (its host holds the blob), then its direct path on every host we know of.
    private async Task<IReadOnlyList<Uri>> CandidateUrlsAsync(BlobAddress media, CancellationToken cancellationToken)
    {
        var urls = new List<Uri>();
        if (media.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme == Uri.UriSchemeHttps) urls.Add(absolute);
        if (media.DirectPath is { } path && path.StartsWith('/'))
        {
            IReadOnlyList<string> hosts = [];
            try
            {
                hosts = (await connections.GetAsync(false, cancellationToken).ConfigureAwait(false)).Hosts;
            }
            catch (EngineException) when (urls.Count > 0)
            {
                // Offline: the message's own URL needs no media_conn.
            }
            foreach (var host in options.CustomMediaHosts.Concat(hosts).Append("mmg.whatsapp.net"))
            {
                if (Uri.TryCreate($"https://{host}{path}", UriKind.Absolute, out var candidate) && !urls.Contains(candidate)) urls.Add(candidate);
            }
        }
        if (urls.Count == 0) throw new MediaTransferException($"{media.Kind} message has neither an https URL nor a direct path");
        return urls;
    }

    private static async Task<UploadAnswer?> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode) return null;
        // The answer is a small JSON object; a host sending more is not one we trust.
        if (response.Content.Headers.ContentLength > 64 * 1024) return null;
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var json = await JsonDocument.ParseAsync(new BoundedStream(body, 64 * 1024), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (json.RootElement.ValueKind != JsonValueKind.Object) return null;
        var root = json.RootElement;
        var url = root.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        var directPath = root.TryGetProperty("direct_path", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        return url is null && directPath is null ? null : new UploadAnswer(url ?? "", directPath ?? "");
    }

    // Baileys' MEDIA_PATH_MAP: stickers go where images go.
    private static string UploadPath(MediaType type) => type switch
    {
        MediaType.Sticker => "/mms/image",
        MediaType.Ptt => "/mms/audio",
        MediaType.Gif or MediaType.Ptv => "/mms/video",
        _ => "/mms/" + type.WireName(),
    };

    private static string Base64Url(byte[] hash) => Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal FileStream TemporaryFile() => new(Path.Combine(options.MediaTempDirectory ?? Path.GetTempPath(), "wacluster-media-" + Guid.NewGuid().ToString("N")),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    private sealed record UploadAnswer(string Url, string DirectPath);

    // What a download names in its errors (the media kind or type) and where the blob is.
    private sealed record BlobAddress(string Kind, string? Url, string? DirectPath);
}

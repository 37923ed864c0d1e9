using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using WaCluster.Core.Media;
using WaCluster.Engine.Media;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Media;

namespace WaCluster.Engine.Tests.Media;

/// <summary>media_conn parsing and caching, and the host-by-host upload and download rules, against scripted hosts.</summary>
public sealed class MediaTransferTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Media_conn_is_parsed_and_hosts_that_would_change_the_URL_are_dropped()
    {
        var connection = MediaConnection.Parse(Answer("tok+/=", "300", "mmg.whatsapp.net", "evil.example/x?y", "media-1.cdn:443"), Start);
        Assert.Equal("tok+/=", connection.Auth);
        Assert.Equal(["mmg.whatsapp.net", "media-1.cdn:443"], connection.Hosts);
        Assert.True(connection.IsValidAt(Start.AddSeconds(299)));
        Assert.False(connection.IsValidAt(Start.AddSeconds(300)));
        Assert.DoesNotContain("tok", connection.ToString());
    }

    [Theory]
    [InlineData(null, "mmg.whatsapp.net")]
    [InlineData("auth", null)]
    [InlineData("auth", "bad host/")]
    public void Media_conn_without_auth_or_usable_host_is_a_typed_error(string? auth, string? host)
    {
        var node = Answer(auth, "60", host is null ? [] : [host]);
        Assert.Throws<MediaTransferException>(() => MediaConnection.Parse(node, Start));
        Assert.Throws<MediaTransferException>(() => MediaConnection.Parse(new BinaryNode("iq", [("type", "result")]), Start));
    }

    [Fact]
    public async Task The_cache_queries_again_only_after_the_ttl_or_when_asked()
    {
        var time = new FakeTimeProvider(Start);
        var queries = 0;
        var cache = new MediaConnectionCache(_ => Task.FromResult(new MediaConnection("a" + ++queries, ["h"], TimeSpan.FromSeconds(60), time.GetUtcNow())), time);
        Assert.Equal("a1", (await cache.GetAsync(false, default)).Auth);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("a1", (await cache.GetAsync(false, default)).Auth);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("a2", (await cache.GetAsync(false, default)).Auth);
        Assert.Equal("a3", (await cache.GetAsync(true, default)).Auth);
    }

    [Fact]
    public async Task Upload_moves_to_the_next_host_with_fresh_auth_after_a_refusal_and_names_the_blob_by_its_hash()
    {
        var requests = new List<(Uri Url, byte[] Body)>();
        var transfer = Transfer(["first", "second"], async request =>
        {
            requests.Add((request.RequestUri!, await request.Content!.ReadAsByteArrayAsync()));
            return request.RequestUri!.Host == "first"
                ? new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent("{\"error\":\"auth\"}") }
                : Json("{\"url\":\"https://second/v/x\",\"direct_path\":\"/v/x\"}");
        }, out var queries);
        var plaintext = RandomNumberGenerator.GetBytes(5000);
        var upload = await transfer.UploadAsync(new MemoryStream(plaintext), MediaType.Sticker, default);

        Assert.Equal(("https://second/v/x", "/v/x"), (upload.Url, upload.DirectPath));
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Body, requests[1].Body);
        var token = Convert.ToBase64String(SHA256.HashData(requests[1].Body)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal($"/mms/image/{token}", requests[1].Url.AbsolutePath);
        Assert.Contains("auth=auth1", requests[0].Url.Query);
        Assert.Contains("auth=auth2", requests[1].Url.Query);
        Assert.Equal(2, queries());
        Assert.Equal(plaintext, MediaDecryptor.Decrypt(requests[1].Body, upload.Encrypted.MediaKey, MediaType.Sticker));
    }

    [Fact]
    public async Task Upload_refused_everywhere_and_oversized_answers_are_typed_errors()
    {
        var transfer = Transfer(["a", "b"], _ => Task.FromResult(Json("{\"url\":\"" + new string('x', 70_000) + "\"}")), out _);
        var error = await Assert.ThrowsAsync<MediaTransferException>(() => transfer.UploadAsync(new MemoryStream([1, 2, 3]), MediaType.Image, default));
        Assert.Contains("every host", error.Message);
    }

    [Fact]
    public async Task Download_retries_another_host_when_one_fails_but_never_hands_on_an_unverified_blob()
    {
        var plaintext = RandomNumberGenerator.GetBytes(70_000);
        var blob = MediaEncryptor.Encrypt(plaintext, MediaKeys.GenerateMediaKey(), MediaType.Document, out var encrypted);
        var location = new MediaLocation(MediaKind.Document, MediaType.Document, null, "/v/doc", encrypted.MediaKey, new MediaChecks(encrypted.FileEncSha256, encrypted.FileSha256));
        var hosts = new List<string>();
        var transfer = Transfer(["down", "up"], request =>
        {
            hosts.Add(request.RequestUri!.Host);
            return Task.FromResult(request.RequestUri!.Host == "down"
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(blob) });
        }, out _);
        var destination = new MemoryStream();
        var result = await transfer.DownloadAsync(location, destination, default);
        Assert.Equal(plaintext, destination.ToArray());
        Assert.Equal(encrypted.FileSha256, result.FileSha256);
        Assert.Equal(["down", "up"], hosts);

        // A truncated blob is the wrong content, not a host failure: typed error, nothing written, no other host tried.
        hosts.Clear();
        var truncated = Transfer(["up", "other"], request =>
        {
            hosts.Add(request.RequestUri!.Host);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(blob[..^7]) });
        }, out _);
        var untouched = new MemoryStream();
        var failure = await Assert.ThrowsAsync<MediaException>(() => truncated.DownloadAsync(location, untouched, default));
        Assert.Equal(MediaFailure.Truncated, failure.Failure);
        Assert.Equal(0, untouched.Length);
        Assert.Equal(["up"], hosts);
    }

    private static BinaryNode Answer(string? auth, string ttl, params string[] hosts)
    {
        var children = hosts.Select(h => new BinaryNode("host", [("hostname", h)])).ToArray();
        var conn = auth is null ? new BinaryNode("media_conn", [("ttl", ttl)], children) : new BinaryNode("media_conn", [("auth", auth), ("ttl", ttl)], children);
        return new BinaryNode("iq", [("type", "result")], [conn]);
    }

    private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static MediaTransfer Transfer(string[] hosts, Func<HttpRequestMessage, Task<HttpResponseMessage>> respond, out Func<int> queries)
    {
        var count = 0;
        queries = () => count;
        var time = new FakeTimeProvider(Start);
        var cache = new MediaConnectionCache(_ => Task.FromResult(new MediaConnection("auth" + ++count, hosts, TimeSpan.FromHours(1), time.GetUtcNow())), time);
        return new MediaTransfer(new HttpClient(new ScriptedHandler(respond)), cache, new EngineOptions(), time);
    }

    private sealed class ScriptedHandler(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => respond(request);
    }
}

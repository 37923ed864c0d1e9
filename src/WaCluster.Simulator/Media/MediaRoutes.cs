using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WaCluster.Protocol.Media;

namespace WaCluster.Simulator.Media;

/// <summary>HTTP side of the media host: upload (POST /mms/{type}/{token}?auth=), download by direct path, expiry control.</summary>
internal static class MediaRoutes
{
    public static void Map(IEndpointRouteBuilder routes, WaSimulator simulator, Func<string> publicBase)
    {
        routes.MapPost("/mms/{type}/{token}", async (HttpRequest request, string type, string token, string? auth) =>
        {
            if (auth != simulator.Media.AuthToken) return Results.Json(new { error = "auth" }, statusCode: StatusCodes.Status401Unauthorized);
            if (await ReadBoundedAsync(request, simulator.Options.MaxMediaSize) is not { } blob) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            var path = simulator.Media.Store(type, token, blob);
            return path is null
                ? Results.Json(new { error = "hash mismatch" }, statusCode: StatusCodes.Status400BadRequest)
                : Results.Json(new { url = publicBase() + path, direct_path = path });
        });
        // An expired blob answers 410 Gone, an unknown path 404, as WhatsApp's CDN does; clients then ask for a re-upload.
        routes.MapGet("/v/sim/{type}/{name}", (HttpRequest request) => simulator.Media.Find(request.Path.Value!) switch
        {
            { State: MediaState.Available, Blob: { } blob } => Results.Bytes(blob, "application/octet-stream"),
            { State: MediaState.Expired } => Results.StatusCode(StatusCodes.Status410Gone),
            _ => Results.NotFound(),
        });
        // Admin: the phone of `phone` sends the body as media of `type` (image, video, audio, document, sticker) to `to`.
        routes.MapPost("/admin/mock-phone/send-media", async (HttpRequest request, string phone, string to, string type, string? mimetype) =>
        {
            if (!MediaTypes.TryParse(type, out var mediaType)) return Results.BadRequest(new { error = $"unknown media type {type}" });
            if (await ReadBoundedAsync(request, simulator.Options.MaxMediaSize) is not { } content) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            try
            {
                return Results.Json(new { id = await simulator.PhoneSendMediaAsync(phone, to, mediaType, content, mimetype) });
            }
            catch (Exception ex) when (ex is WaCluster.Protocol.ProtocolException or WaCluster.Signal.SignalException)
            {
                return Results.BadRequest(new { error = ex.Message });
            }
        });
        // Admin: expire one blob by direct path (or URL), or every blob, now.
        routes.MapPost("/admin/media/expire", (string? path, bool? all) =>
        {
            if (all == true) return Results.Json(new { expired = simulator.Media.ExpireAll() });
            if (path is null) return Results.BadRequest(new { error = "path or all=true required" });
            var directPath = Uri.TryCreate(path, UriKind.Absolute, out var url) ? url.AbsolutePath : path;
            return simulator.Media.Expire(directPath) ? Results.Json(new { expired = 1 }) : Results.NotFound();
        });
    }

    /// <summary>The request body, or null when it is (or claims to be) larger than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, long limit)
    {
        if (request.ContentLength > limit) return null;
        using var body = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
        {
            if (body.Length + read > limit) return null;
            body.Write(buffer, 0, read);
        }
        return body.ToArray();
    }
}

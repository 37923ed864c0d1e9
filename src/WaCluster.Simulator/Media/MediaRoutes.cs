using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace WaCluster.Simulator.Media;

/// <summary>HTTP side of the media host: upload (POST /mms/{type}/{token}?auth=), download by direct path, expiry control.</summary>
internal static class MediaRoutes
{
    public static void Map(IEndpointRouteBuilder routes, WaSimulator simulator, Func<string> publicBase)
    {
        routes.MapPost("/mms/{type}/{token}", async (HttpRequest request, string type, string token, string? auth) =>
        {
            if (auth != simulator.Media.AuthToken) return Results.Json(new { error = "auth" }, statusCode: StatusCodes.Status401Unauthorized);
            var limit = simulator.Options.MaxMediaSize;
            if (request.ContentLength > limit) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            using var body = new MemoryStream();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            {
                if (body.Length + read > limit) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
                body.Write(buffer, 0, read);
            }
            var path = simulator.Media.Store(type, token, body.ToArray());
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
        // Admin: expire one blob by direct path (or URL), or every blob, now.
        routes.MapPost("/admin/media/expire", (string? path, bool? all) =>
        {
            if (all == true) return Results.Json(new { expired = simulator.Media.ExpireAll() });
            if (path is null) return Results.BadRequest(new { error = "path or all=true required" });
            var directPath = Uri.TryCreate(path, UriKind.Absolute, out var url) ? url.AbsolutePath : path;
            return simulator.Media.Expire(directPath) ? Results.Json(new { expired = 1 }) : Results.NotFound();
        });
    }
}

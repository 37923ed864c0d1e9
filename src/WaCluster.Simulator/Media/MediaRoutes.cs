using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace WaCluster.Simulator.Media;

/// <summary>HTTP side of the media host: upload (POST /mms/{type}/{token}?auth=) and download by direct path.</summary>
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
        routes.MapGet("/v/sim/{type}/{name}", (HttpRequest request) =>
            simulator.Media.Get(request.Path.Value!) is { } blob ? Results.Bytes(blob, "application/octet-stream") : Results.NotFound());
    }
}

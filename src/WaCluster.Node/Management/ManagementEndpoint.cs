using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Client;
using WaCluster.Contracts.Management;
using WaCluster.Contracts.Proto;
using WaCluster.Node.Hosting;
using WaCluster.Node.Management.Logs;

namespace WaCluster.Node.Management;

/// <summary>
/// The node's management endpoint: a small Kestrel server of its own (so the node stays a plain generic host),
/// protobuf JSON over HTTP, every request checked against the bearer token.
/// </summary>
public sealed partial class ManagementEndpoint(ManagementOptions options, IServiceProvider services, ILoggerFactory loggers) : IHostedService
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private readonly byte[] _token = Encoding.UTF8.GetBytes(options.Token);
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Url);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        _app = builder.Build();

        var management = new ClusterManagement(
            services.GetRequiredService<ActorSystem>(),
            services.GetRequiredService<IRequiredActor<AccountRegion>>().ActorRef,
            services.GetRequiredService<IWhatsAppCluster>(),
            options.RequestTimeout,
            options.QrWait);
        MapRoutes(_app, management);
        var logs = services.GetRequiredService<LogRing>();
        AkkaLogCapture.Start(services.GetRequiredService<ActorSystem>(), logs);
        LogTailRoute.Map(_app, logs, services.GetRequiredService<IHostApplicationLifetime>());

        await _app.StartAsync(cancellationToken);
        var logger = loggers.CreateLogger<ManagementEndpoint>();
        LogListening(logger, options.Url);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
            await _app.DisposeAsync();
        }
    }

    private void MapRoutes(WebApplication app, ClusterManagement management)
    {
        app.Use(async (context, next) =>
        {
            if (!Authorized(context.Request))
            {
                await Write(context, StatusCodes.Status401Unauthorized, Error("unauthorized", "missing or wrong management token"));
                return;
            }
            try
            {
                await next(context);
            }
            catch (ManagementException e)
            {
                await Write(context, StatusOf(e.Code), Error(e.Code, e.Message));
            }
            catch (InvalidProtocolBufferException e)
            {
                await Write(context, StatusCodes.Status400BadRequest, Error(ManagementException.BadRequest, e.Message));
            }
        });

        app.MapGet("/v1/cluster", context => Write(context, management.Show()));
        app.MapPost("/v1/cluster/leave", async context =>
            await Write(context, management.Leave((await Read<AddressRequest>(context)).Address)));
        app.MapPost("/v1/cluster/down", async context =>
            await Write(context, management.Down((await Read<AddressRequest>(context)).Address)));
        app.MapPost("/v1/cluster/join", async context =>
            await Write(context, management.Join((await Read<AddressRequest>(context)).Address)));
        app.MapGet("/v1/shards/regions", async context => await Write(context, await management.RegionsAsync(context.RequestAborted)));
        app.MapGet("/v1/shards/stats", async context => await Write(context, await management.StatsAsync(context.RequestAborted)));
        app.MapGet("/v1/accounts", async context => await Write(context, await management.AccountsAsync(context.RequestAborted)));
        app.MapGet("/v1/accounts/{id}", async (HttpContext context, string id) =>
            await Write(context, await management.StatusAsync(id, context.RequestAborted)));
        app.MapGet("/v1/accounts/{id}/qr", async (HttpContext context, string id) =>
            await Write(context, await management.NextQrCodeAsync(id, context.RequestAborted)));
        app.MapPost("/v1/accounts/{id}/logout", async (HttpContext context, string id) =>
            await Write(context, await management.LogOutAsync(id, context.RequestAborted)));
        app.MapPost("/v1/accounts/{id}/connect", async (HttpContext context, string id) =>
            await Write(context, await management.ConnectAsync(id, context.RequestAborted)));
        app.MapPost("/v1/accounts/{id}/disconnect", async (HttpContext context, string id) =>
            await Write(context, await management.DisconnectAsync(id, context.RequestAborted)));
        app.MapPost("/v1/accounts/{id}/messages", async (HttpContext context, string id) =>
            await Write(context, await management.SendMessageAsync(id, await Read<SendMessage>(context, MessageBodyLimit), context.RequestAborted)));
        app.MapPost("/v1/accounts/{id}/pair-code", async (HttpContext context, string id) =>
            await Write(context, await management.PairCodeAsync(id, await Read<PairCodeRequest>(context), context.RequestAborted)));
    }

    private bool Authorized(HttpRequest request)
    {
        const string scheme = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(scheme, StringComparison.Ordinal))
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..]), _token);
    }

    private static int StatusOf(string code) => code switch
    {
        ManagementException.NotFound => StatusCodes.Status404NotFound,
        ManagementException.Rejected => StatusCodes.Status409Conflict,
        ManagementException.Timeout => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status400BadRequest,
    };

    private static ManagementError Error(string code, string message) => new() { Code = code, Message = message };

    // Inline media (16 MiB) as base64 in JSON, with room for the other fields.
    private const int MessageBodyLimit = 24 * 1024 * 1024;

    // Request bodies are small commands (a send may carry media); a bounded read keeps a hostile client from making
    // the node buffer more.
    private static async Task<T> Read<T>(HttpContext context, int limit = 64 * 1024) where T : IMessage<T>, new()
    {
        if (context.Request.ContentLength > limit)
        {
            throw new ManagementException(ManagementException.BadRequest, "request body too large");
        }
        // Grows with what actually arrives, never with what a header claims.
        var text = new StringBuilder();
        var chunk = new char[16 * 1024];
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        int read;
        while ((read = await reader.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (text.Length + read > limit)
            {
                throw new ManagementException(ManagementException.BadRequest, "request body too large");
            }
            text.Append(chunk, 0, read);
        }
        return text.Length == 0 ? new T() : Parser.Parse<T>(text.ToString());
    }

    private static Task Write(HttpContext context, IMessage message) => Write(context, StatusCodes.Status200OK, message);

    private static Task Write(HttpContext context, int status, IMessage message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(Json.Format(message), context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Management endpoint listening on {Url}")]
    private static partial void LogListening(ILogger logger, string url);
}

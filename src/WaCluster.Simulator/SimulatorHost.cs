using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaCluster.Simulator.Admin;

namespace WaCluster.Simulator;

/// <summary>
/// Hosts a <see cref="WaSimulator"/> on loopback with Kestrel: the WhatsApp WebSocket at <c>/ws/chat</c> and the
/// admin routes under <c>/admin</c>. Usable in-process (tests) and from the executable.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();

    private SimulatorHost(WebApplication app, WaSimulator simulator)
    {
        _app = app;
        Simulator = simulator;
    }

    public WaSimulator Simulator { get; }

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The URL clients connect to: ws://127.0.0.1:port/ws/chat (wss:// with <see cref="SimulatorOptions.UseTls"/>).</summary>
    public Uri ChatUri => new($"{(BaseUri.Scheme == "https" ? "wss" : "ws")}://{BaseUri.Authority}/ws/chat");

    /// <summary>The self-signed certificate of the HTTPS endpoints (media host, and the main port with TLS); clients may pin it.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate { get; private init; } = null!;

    public static async Task<SimulatorHost> StartAsync(SimulatorOptions? options = null, Action<ILoggingBuilder>? logging = null)
    {
        options ??= new SimulatorOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        var certificate = Media.SelfSignedCertificate.Create();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                if (options.UseTls) listen.UseHttps(certificate);
            });
            // Clients reach the media host over HTTPS only (Baileys builds https:// URLs), so it gets its own TLS port.
            kestrel.Listen(IPAddress.Loopback, options.MediaPort, listen => listen.UseHttps(certificate));
        });
        var app = builder.Build();
        var simulator = new WaSimulator(options, app.Services.GetRequiredService<ILoggerFactory>());
        var host = new SimulatorHost(app, simulator) { Certificate = certificate };
        app.UseWebSockets();
        app.Map("/ws/chat", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await simulator.HandleWebSocketAsync(socket, host._stopping.Token);
        });
        AdminRoutes.Map(app, simulator);
        Media.MediaRoutes.Map(app, simulator, () => "https://" + simulator.MediaHostName);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        // Listeners are reported in the order they were configured: the main port first, then the media host.
        var listening = addresses.Select(a => new Uri(a)).ToList();
        host.BaseUri = new Uri(listening[0], "/");
        simulator.MediaHostName = listening[1].Authority;
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Simulator.DropAll();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
        _stopping.Dispose();
    }
}

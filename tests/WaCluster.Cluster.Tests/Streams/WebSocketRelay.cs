using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WaCluster.Cluster.Tests.Streams;

/// <summary>
/// A WebSocket relay between clients and a server (the simulator) that can slip a message of its own to the clients
/// between the server's messages: bytes the client's pipeline must treat as coming from the server.
/// </summary>
internal sealed class WebSocketRelay : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<RelayedConnection, byte> _open = new();
    private int _accepted;

    private WebSocketRelay(WebApplication app) => _app = app;

    public Uri ChatUri { get; private set; } = null!;

    /// <summary>Client connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public int Open => _open.Count;

    public static async Task<WebSocketRelay> StartAsync(Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var relay = new WebSocketRelay(app);
        app.UseWebSockets();
        app.Map("/ws/chat", async context =>
        {
            using var client = await context.WebSockets.AcceptWebSocketAsync();
            using var server = new ClientWebSocket();
            server.Options.SetRequestHeader("Origin", "https://web.whatsapp.com");
            await server.ConnectAsync(upstream, context.RequestAborted);
            Interlocked.Increment(ref relay._accepted);
            var connection = new RelayedConnection(client, server);
            relay._open[connection] = 0;
            try
            {
                await connection.RunAsync();
            }
            finally
            {
                relay._open.TryRemove(connection, out _);
            }
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        relay.ChatUri = new Uri($"ws://{address.Authority}/ws/chat");
        return relay;
    }

    /// <summary>Sends <paramref name="message"/> to every open client as one binary message from the server.</summary>
    public Task InjectAsync(byte[] message) => Task.WhenAll(_open.Keys.Select(c => c.SendToClientAsync(message)));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class RelayedConnection(WebSocket client, WebSocket server)
    {
        private readonly SemaphoreSlim _clientWrites = new(1, 1);

        public async Task RunAsync()
        {
            var up = PumpAsync(client, server, null);
            var down = PumpAsync(server, client, _clientWrites);
            await Task.WhenAny(up, down);
            // Either side ending ends both: the relay is transparent to closes.
            client.Abort();
            server.Abort();
            await Task.WhenAll(up, down).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        public async Task SendToClientAsync(byte[] message)
        {
            await _clientWrites.WaitAsync();
            try
            {
                await client.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            }
            finally
            {
                _clientWrites.Release();
            }
        }

        // Whole messages only, under the write lock, so an injected message never lands inside a server message.
        private static async Task PumpAsync(WebSocket from, WebSocket to, SemaphoreSlim? writes)
        {
            var buffer = new byte[64 * 1024];
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await from.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);
                if (writes is not null) await writes.WaitAsync();
                try
                {
                    await to.SendAsync(message.ToArray(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
                }
                finally
                {
                    writes?.Release();
                }
            }
        }
    }
}

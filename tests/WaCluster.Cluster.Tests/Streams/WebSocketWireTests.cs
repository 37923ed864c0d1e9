using System.Net;
using System.Net.WebSockets;
using Akka.Actor;
using Akka.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaCluster.Actors.Connection.Streams;
using WaCluster.Protocol.Binary;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Streams;

/// <summary>
/// The pipeline on a real client WebSocket whose server ends the connection: with a close frame, or by aborting the
/// socket (no close frame, as a dropped network or the simulator's drop does). Either way the engine's next receive
/// must end promptly (null or a typed error), never wait forever on a dead socket.
/// </summary>
[Trait("Proof", "cluster-streams")]
public sealed class WebSocketWireTests : IAsyncLifetime
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);
    private ActorSystem _system = null!;
    private IMaterializer _materializer = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("wire-" + Guid.NewGuid().ToString("N"), "akka.loglevel = WARNING");
        _materializer = _system.Materializer();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_server_ending_the_socket_ends_receives_promptly(bool withCloseFrame)
    {
        var pair = await NoiseSessionPair.CreateAsync();
        var more = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var end = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await PeerServer.StartAsync(async socket =>
        {
            await socket.SendAsync(pair.ServerFrame(Node("1")), WebSocketMessageType.Binary, true, CancellationToken.None);
            await more.Task;
            await socket.SendAsync(pair.ServerFrame(Node("2")), WebSocketMessageType.Binary, true, CancellationToken.None);
            await end.Task;
            if (withCloseFrame) await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            else socket.Abort();
        });
        using var client = new ClientWebSocket();
        await client.ConnectAsync(server.Uri, CancellationToken.None);
        await using var transport = NodePipeline.Run(WebSocketWire.Create(client, 4096), pair.Client, StreamTransportSettings.Default, _materializer);

        Assert.Equal("1", (await transport.ReceiveAsync().AsTask().WaitAsync(Prompt))!.GetAttribute("id"));
        // A receive made on an idle socket waits: it is the one that gets the server's next message, sent later.
        var waiting = transport.ReceiveAsync().AsTask();
        Assert.False(waiting.IsCompleted);
        more.SetResult();
        Assert.Equal("2", (await waiting.WaitAsync(Prompt))!.GetAttribute("id"));
        // The pipeline waits again on the idle socket; then the server goes away.
        var next = transport.ReceiveAsync().AsTask();
        Assert.False(next.IsCompleted);
        end.SetResult();

        var ended = await Record.ExceptionAsync(async () => Assert.Null(await next.WaitAsync(Prompt)));
        Assert.True(ended is null or IOException, $"not a typed end: {ended}");
        await Assert.ThrowsAsync<IOException>(() => Eventually.UntilAsync(async () =>
        {
            await transport.SendAsync(Node("2"));
            return false;
        }, Prompt, "a send failing"));
    }

    private static BinaryNode Node(string id) => new("iq", [("id", id), ("type", "result")]);

    /// <summary>A WebSocket server that runs <c>serve</c> on each accepted socket and then lets the request end.</summary>
    private sealed class PeerServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private PeerServer(WebApplication app, Uri uri)
        {
            _app = app;
            Uri = uri;
        }

        public Uri Uri { get; }

        public static async Task<PeerServer> StartAsync(Func<WebSocket, Task> serve)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.UseWebSockets();
            app.Map("/ws", async context =>
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                await serve(socket);
                // A closing server still reads the client's close reply; an aborted one has nothing left to do.
                if (socket.State == WebSocketState.CloseSent)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    try
                    {
                        await socket.ReceiveAsync(new byte[16], timeout.Token);
                    }
                    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                    {
                        // The client went away without replying; the server is done either way.
                    }
                }
            });
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return new PeerServer(app, new Uri($"ws://{address.Authority}/ws"));
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

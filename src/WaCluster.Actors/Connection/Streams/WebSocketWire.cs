using System.Buffers;
using System.Net.WebSockets;
using Akka;
using Akka.Streams.Dsl;
using Akka.Util;

namespace WaCluster.Actors.Connection.Streams;

/// <summary>A connected client WebSocket as <see cref="WireEnds"/>: each binary message out is one frame (the intro rides on the first).</summary>
internal static class WebSocketWire
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    public static WireEnds Create(WebSocket socket, int readSize) => new(
        Reads(socket, readSize),
        Sink.ForEachAsync<byte[]>(1, frame => socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None))
            .MapMaterializedValue(done => (Task)done),
        () => CloseAsync(socket));

    // One read at a time, and only when the stream asks: that is where a slow engine slows the socket. An idle
    // connection waits with a zero-byte read, so it holds no receive buffer; one is rented only while data is there.
    private static Source<byte[], NotUsed> Reads(WebSocket socket, int readSize) =>
        Source.UnfoldAsync<WebSocket, byte[]>(socket, async ws =>
        {
            while (true)
            {
                var ready = await ws.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
                if (ready.MessageType == WebSocketMessageType.Close)
                {
                    return Option<(WebSocket, byte[])>.None;
                }
                var buffer = ArrayPool<byte>.Shared.Rent(readSize);
                try
                {
                    var result = await ws.ReceiveAsync(buffer.AsMemory(0, readSize), CancellationToken.None).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return Option<(WebSocket, byte[])>.None;
                    }
                    if (result.Count > 0)
                    {
                        return (ws, buffer.AsSpan(0, result.Count).ToArray());
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        })
        // The unfold reports a failed read wrapped in an AggregateException, which the engine does not take for a lost
        // connection: it must see the socket's own error, as an IOException like any other dropped connection.
        .SelectError(ToConnectionError);

    private static Exception ToConnectionError(Exception error) => error switch
    {
        AggregateException wrapped => ToConnectionError(wrapped.GetBaseException()),
        WebSocketException lost => new IOException($"the connection was lost: {lost.Message}", lost),
        _ => error,
    };

    private static async ValueTask CloseAsync(WebSocket socket)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer is gone already; aborting below releases the socket either way.
        }
        socket.Abort();
        socket.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Proto;

namespace WaCluster.Engine.Tests.Support;

/// <summary>
/// An in-memory server side for the engine: each connect hands the test a <see cref="ScriptedConnection"/> to read
/// what the engine sent and push what the server says.
/// </summary>
internal sealed class ScriptedServer : INodeTransportFactory
{
    private readonly Channel<ScriptedConnection> _connections = Channel.CreateUnbounded<ScriptedConnection>();

    public ConcurrentQueue<string>? Log { get; init; }

    public Task<INodeTransport> ConnectAsync(ClientPayload payload, byte[]? routingInfo, CancellationToken cancellationToken = default)
    {
        var connection = new ScriptedConnection(payload, Log);
        _connections.Writer.TryWrite(connection);
        return Task.FromResult<INodeTransport>(connection);
    }

    public async Task<ScriptedConnection> NextConnectionAsync() =>
        await _connections.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
}

internal sealed class ScriptedConnection(ClientPayload payload, ConcurrentQueue<string>? log) : INodeTransport
{
    private readonly Channel<BinaryNode?> _toEngine = Channel.CreateUnbounded<BinaryNode?>();
    private readonly Channel<BinaryNode> _fromEngine = Channel.CreateUnbounded<BinaryNode>();

    public ClientPayload Payload { get; } = payload;

    public bool Disposed { get; private set; }

    public ValueTask SendAsync(BinaryNode node, CancellationToken cancellationToken = default)
    {
        log?.Enqueue("send:" + node.Tag + (node.Children.Count > 0 ? "/" + node.Children[0].Tag : string.Empty));
        _fromEngine.Writer.TryWrite(node);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<BinaryNode?> ReceiveAsync(CancellationToken cancellationToken = default) =>
        await _toEngine.Reader.ReadAsync(cancellationToken);

    /// <summary>The server says <paramref name="node"/>.</summary>
    public void Push(BinaryNode node) => _toEngine.Writer.TryWrite(node);

    /// <summary>The server closes the socket.</summary>
    public void Close() => _toEngine.Writer.TryWrite(null);

    /// <summary>The next node the engine sent (waits up to 10 s).</summary>
    public async Task<BinaryNode> NextSentAsync() =>
        await _fromEngine.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Answers the engine's next iq, checking it is the expected kind, with a result carrying <paramref name="children"/>.</summary>
    public async Task<BinaryNode> AnswerNextIqAsync(string xmlns, params BinaryNode[] children)
    {
        var iq = await NextSentAsync();
        Assert.Equal("iq", iq.Tag);
        Assert.Equal(xmlns, iq.GetAttribute("xmlns"));
        Push(new BinaryNode("iq", [("from", "s.whatsapp.net"), ("type", "result"), ("id", iq.RequireAttribute("id"))], children));
        return iq;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

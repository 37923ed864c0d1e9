using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using WaCluster.Protocol.Binary;
using WaCluster.Simulator;
using WaCluster.Simulator.Connections;
using WaCluster.Simulator.Stanzas;

namespace WaCluster.Simulator.Tests;

/// <summary>The outbound catalogue is enforced where stanzas leave for a client, so it cannot go stale silently.</summary>
[Trait("Proof", "architecture")]
public sealed class OutboundStanzasTests
{
    [Fact]
    public void A_connection_refuses_a_stanza_of_no_catalogued_kind_and_sends_the_catalogued_ones()
    {
        var simulator = new WaSimulator();
        using var stream = new MemoryStream();
        using var socket = WebSocket.CreateFromStream(stream, isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        var connection = new ChatConnection(simulator, socket, number: 1, NullLogger.Instance);
        var request = new BinaryNode("iq", [("id", "q1"), ("type", "get"), ("xmlns", "w:profile:picture")]);

        var refused = Assert.Throws<SimulatorException>(() => connection.Send(new BinaryNode("call", [("id", "c1")])));
        Assert.Contains("call", refused.Message, StringComparison.Ordinal);
        Assert.Throws<SimulatorException>(() => connection.Send(new BinaryNode("notification", [("id", "n1"), ("type", "account_sync")])));
        Assert.Throws<SimulatorException>(() => connection.Send(new BinaryNode("iq", [("id", "s1"), ("type", "set")], [new BinaryNode("picture", [])])));
        Assert.Throws<SimulatorException>(() => connection.SendAndClose(new BinaryNode("xmlstreamend", [])));
        Assert.Equal(0, simulator.Counters.StanzasOut);

        connection.Send(new BinaryNode("receipt", [("id", "r1"), ("type", "played")])); // a relayed receipt keeps its type
        connection.Send(new BinaryNode("notification", [("id", "n2"), ("type", "devices")]));
        connection.Send(ServerNodes.IqResult(request));
        connection.Send(ServerNodes.IqError(request, 404, "item-not-found"));
        connection.SendAndClose(ServerNodes.StreamError(401));
        Assert.Equal(5, simulator.Counters.StanzasOut);
    }
}

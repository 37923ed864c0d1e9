using WaCluster.Core.Connection;
using WaCluster.Core.Stanzas;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Tests.Connection;

/// <summary>Expectations from Baileys' getErrorCodeFromStreamError and its failure handler.</summary>
public sealed class StreamErrorsTests
{
    [Theory]
    [InlineData("515", null, 515, "Stream Errored (restart required)", true)]
    [InlineData("401", "device_removed", 401, "Stream Errored (device_removed)", false)]
    [InlineData(null, "conflict", 440, "Stream Errored (conflict)", false)]
    [InlineData(null, "ack", 500, "Stream Errored (ack)", true)]
    [InlineData(null, null, 500, "Stream Errored (unknown)", true)]
    [InlineData("503", null, 503, "Stream Errored (unknown)", true)]
    public void Stream_error_maps_to_status(string? code, string? child, int status, string message, bool reconnect)
    {
        var node = child is null
            ? new BinaryNode("stream:error", [("code", code)])
            : new BinaryNode("stream:error", [("code", code)], [new BinaryNode(child)]);
        var info = StreamErrors.FromStreamError(node);
        Assert.Equal(status, info.StatusCode);
        Assert.Equal(message, info.Message);
        Assert.Equal(reconnect, info.ShouldReconnect);
    }

    [Theory]
    [InlineData("401", 401, DisconnectReason.LoggedOut)]
    [InlineData("403", 403, DisconnectReason.Forbidden)]
    [InlineData(null, 500, DisconnectReason.BadSession)]
    [InlineData("garbage", 500, DisconnectReason.BadSession)]
    [InlineData("777", 777, null)]
    public void Failure_maps_its_reason(string? reason, int status, DisconnectReason? named)
    {
        var info = StreamErrors.FromFailure(new BinaryNode("failure", [("reason", reason)]));
        Assert.Equal(status, info.StatusCode);
        Assert.Equal(named, info.Reason);
    }
}

using Microsoft.Extensions.Time.Testing;
using WaCluster.Core;
using WaCluster.Core.Iq;
using WaCluster.Engine.Messaging;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Tests.Sending;

public sealed class ServerAcksTests
{
    private readonly FakeTimeProvider _time = new();

    private static BinaryNode Ack(string id, string? error = null) =>
        new("ack", [("class", "message"), ("id", id), ("from", "1@s.whatsapp.net"), ("error", error), ("t", "1700000000")]);

    [Fact]
    public async Task The_ack_with_the_message_id_completes_the_send()
    {
        var acks = new ServerAcks(_time);
        var ack = acks.Expect("m-1");
        Assert.False(acks.TryComplete(Ack("m-2")));
        var waiting = acks.WaitAsync("m-1", ack, TimeSpan.FromSeconds(5), default);
        Assert.False(waiting.IsCompleted);
        Assert.True(acks.TryComplete(Ack("m-1")));
        await waiting;
        Assert.False(acks.TryComplete(Ack("m-1")));
    }

    [Fact]
    public async Task An_ack_arriving_before_the_sender_waits_is_kept()
    {
        var acks = new ServerAcks(_time);
        var ack = acks.Expect("fast");
        Assert.True(acks.TryComplete(Ack("fast")));
        await acks.WaitAsync("fast", ack, TimeSpan.FromSeconds(5), default);
    }

    [Fact]
    public async Task An_error_ack_is_a_typed_rejection_with_its_code()
    {
        var acks = new ServerAcks(_time);
        var ack = acks.Expect("e");
        acks.TryComplete(Ack("e", "404"));
        var rejected = await Assert.ThrowsAsync<MessageRejectedException>(() => acks.WaitAsync("e", ack, TimeSpan.FromSeconds(5), default));
        Assert.Equal(("e", 404), (rejected.Id, rejected.Code));
    }

    [Fact]
    public async Task No_ack_in_time_is_a_typed_timeout_and_the_id_may_wait_again()
    {
        var acks = new ServerAcks(_time);
        var waiting = acks.WaitAsync("slow", acks.Expect("slow"), TimeSpan.FromSeconds(30), default);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("slow", (await Assert.ThrowsAsync<ServerAckTimeoutException>(() => waiting)).Id);

        var resent = acks.Expect("slow");
        acks.TryComplete(Ack("slow"));
        await acks.WaitAsync("slow", resent, TimeSpan.FromSeconds(30), default);
    }

    [Fact]
    public async Task A_closed_connection_fails_waiting_and_later_sends()
    {
        var acks = new ServerAcks(_time);
        var waiting = acks.WaitAsync("a", acks.Expect("a"), TimeSpan.FromSeconds(30), default);
        acks.Close("stream ended");
        await Assert.ThrowsAsync<ConnectionClosedException>(() => waiting);
        await Assert.ThrowsAsync<ConnectionClosedException>(() => acks.WaitAsync("b", acks.Expect("b"), TimeSpan.FromSeconds(30), default));
    }

    [Fact]
    public void The_same_id_cannot_wait_twice_at_once()
    {
        var acks = new ServerAcks(_time);
        _ = acks.Expect("dup");
        Assert.Throws<EngineException>(() => { _ = acks.Expect("dup"); });
    }
}

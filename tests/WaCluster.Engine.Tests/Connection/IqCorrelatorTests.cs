using Microsoft.Extensions.Time.Testing;
using WaCluster.Core.Iq;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Tests.Connection;

public sealed class IqCorrelatorTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Response_with_the_same_id_completes_the_request()
    {
        var iqs = new IqCorrelator(_time);
        var sent = new List<string>();
        var request = iqs.RequestAsync("a-1", _ => { sent.Add("a-1"); return ValueTask.CompletedTask; }, TimeSpan.FromSeconds(5), default);
        Assert.False(iqs.TryComplete(new BinaryNode("iq", [("id", "other"), ("type", "result")])));
        Assert.True(iqs.TryComplete(new BinaryNode("iq", [("id", "a-1"), ("type", "result")], [new BinaryNode("pong")])));
        var response = await request;
        Assert.NotNull(response.GetChild("pong"));
        Assert.Equal(["a-1"], sent);
        Assert.Equal(0, iqs.PendingCount);
    }

    [Fact]
    public async Task No_response_times_out_with_a_typed_error()
    {
        var iqs = new IqCorrelator(_time);
        var request = iqs.RequestAsync("t", _ => ValueTask.CompletedTask, TimeSpan.FromSeconds(5), default);
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(request.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(2));
        var timeout = await Assert.ThrowsAsync<IqTimeoutException>(() => request);
        Assert.Equal("t", timeout.Id);
        Assert.Equal(0, iqs.PendingCount);
        // A late answer finds nobody waiting.
        Assert.False(iqs.TryComplete(new BinaryNode("iq", [("id", "t"), ("type", "result")])));
    }

    [Fact]
    public async Task Closing_fails_waiting_and_later_requests()
    {
        var iqs = new IqCorrelator(_time);
        var request = iqs.RequestAsync("c", _ => ValueTask.CompletedTask, TimeSpan.FromSeconds(5), default);
        iqs.Close("gone");
        await Assert.ThrowsAsync<ConnectionClosedException>(() => request);
        var sent = false;
        await Assert.ThrowsAsync<ConnectionClosedException>(() => iqs.RequestAsync("d", _ => { sent = true; return ValueTask.CompletedTask; }, TimeSpan.FromSeconds(5), default));
        Assert.False(sent);
    }

    [Fact]
    public void Tags_have_a_shared_random_prefix_and_count_up()
    {
        var tags = new MessageTags();
        var first = tags.Next();
        var second = tags.Next();
        var prefix = first[..(first.IndexOf('-') + 1)];
        Assert.Matches(@"^\d{1,5}\.\d{1,5}-1$", first);
        Assert.Equal(prefix + "2", second);
    }
}

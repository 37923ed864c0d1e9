using Microsoft.Extensions.Time.Testing;
using WaCluster.Actors.Connection;

namespace WaCluster.Cluster.Tests.Connection;

[Trait("Proof", "cluster-connect-limiter")]
public sealed class ConnectLimiterTests
{
    [Fact]
    public void A_recovering_crowd_connects_at_the_configured_rate_after_the_burst()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var limiter = new ConnectLimiter(ratePerSecond: 10, burst: 5, jitter: TimeSpan.Zero, time);

        var delays = Enumerable.Range(0, 25).Select(_ => limiter.Reserve()).ToList();

        Assert.All(delays.Take(5), delay => Assert.Equal(TimeSpan.Zero, delay));
        // Then one every 100 ms: the 25th waits for 20 slots after the burst.
        for (var i = 5; i < delays.Count; i++)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(100 * (i - 4)), delays[i]);
        }
    }

    [Fact]
    public void Every_window_holds_at_most_the_burst_plus_the_rate_with_jitter_only_adding_delay()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var jitter = TimeSpan.FromMilliseconds(50);
        var limiter = new ConnectLimiter(ratePerSecond: 20, burst: 4, jitter, time);
        var exact = new ConnectLimiter(ratePerSecond: 20, burst: 4, TimeSpan.Zero, new FakeTimeProvider(DateTimeOffset.UnixEpoch));

        var starts = new List<TimeSpan>();
        for (var i = 0; i < 200; i++)
        {
            var delay = limiter.Reserve();
            var floor = exact.Reserve();
            Assert.InRange(delay, floor, floor + jitter);
            starts.Add(delay);
        }

        var window = TimeSpan.FromSeconds(1);
        foreach (var start in starts)
        {
            var inWindow = starts.Count(other => other >= start && other < start + window);
            Assert.True(inWindow <= 4 + 20 + 1, $"{inWindow} connects within one second of {start}");
        }
    }

    [Fact]
    public void Idle_time_refills_no_more_than_one_burst()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var limiter = new ConnectLimiter(ratePerSecond: 10, burst: 3, jitter: TimeSpan.Zero, time);
        time.Advance(TimeSpan.FromMinutes(10));

        var delays = Enumerable.Range(0, 4).Select(_ => limiter.Reserve()).ToList();

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(100)], delays);
    }

    [Fact]
    public void Nonsense_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectLimiter(0, 1, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectLimiter(1, 0, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectLimiter(1, 1, TimeSpan.FromSeconds(-1)));
    }
}

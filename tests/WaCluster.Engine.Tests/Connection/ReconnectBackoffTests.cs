using WaCluster.Engine.Connection;

namespace WaCluster.Engine.Tests.Connection;

public sealed class ReconnectBackoffTests
{
    private static readonly ReconnectBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 0.2);

    [Fact]
    public void Doubles_from_the_initial_delay_without_jitter_at_the_midpoint()
    {
        double[] expected = [1, 2, 4, 8, 16, 32, 60, 60];
        for (var attempt = 0; attempt < expected.Length; attempt++)
        {
            Assert.Equal(expected[attempt], Backoff.Delay(attempt, 0.5).TotalSeconds, 6);
        }
    }

    [Fact]
    public void Jitter_spreads_by_the_fraction_and_never_passes_the_cap()
    {
        Assert.Equal(0.8, Backoff.Delay(0, 0).TotalSeconds, 6);
        Assert.Equal(1.2, Backoff.Delay(0, 1).TotalSeconds, 6);
        Assert.Equal(60 * 0.8, Backoff.Delay(50, 0).TotalSeconds, 6);
        Assert.Equal(60, Backoff.Delay(50, 1).TotalSeconds, 6);
        Assert.Equal(60, Backoff.Delay(int.MaxValue, 0.99999).TotalSeconds, 2);
    }

    [Fact]
    public void Any_sample_gives_a_delay_within_bounds()
    {
        var random = new Random(3);
        for (var i = 0; i < 10_000; i++)
        {
            var attempt = random.Next(0, 1000);
            var delay = Backoff.Delay(attempt, random.NextDouble());
            var nominal = Math.Min(Math.Pow(2, Math.Min(attempt, 30)), 60);
            Assert.InRange(delay.TotalSeconds, nominal * 0.8 - 1e-6, Math.Min(nominal * 1.2, 60) + 1e-6);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Delay(-1, 0.5));
    }
}

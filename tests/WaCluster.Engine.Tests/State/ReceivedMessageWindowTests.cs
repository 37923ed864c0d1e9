using WaCluster.Engine.State;

namespace WaCluster.Engine.Tests.State;

[Trait("Proof", "engine-restore")]
public sealed class ReceivedMessageWindowTests
{
    [Fact]
    public void Remembers_the_most_recent_keys_and_forgets_the_oldest_beyond_capacity()
    {
        var window = new ReceivedMessageWindow(capacity: 3, restored: ["a|1", "a|2"]);
        Assert.False(window.Add("a|2"));
        Assert.True(window.Add("b|1"));
        Assert.True(window.Add("b|2"));
        Assert.False(window.Contains("a|1"));
        Assert.Equal(["a|2", "b|1", "b|2"], window.ToList());
        // A forgotten key counts as new again.
        Assert.True(window.Add("a|1"));
        Assert.Equal(3, window.Count);
    }

    [Fact]
    public void Keys_are_per_sender_since_ids_are_only_unique_per_sender()
    {
        var window = new ReceivedMessageWindow();
        Assert.True(window.Add(ReceivedMessageWindow.KeyOf("1@s.whatsapp.net", "X")));
        Assert.True(window.Add(ReceivedMessageWindow.KeyOf("2@s.whatsapp.net", "X")));
    }
}

using System.Threading.Channels;
using WaCluster.Core.Events;

namespace WaCluster.Engine.Tests.Support;

internal static class EventReader
{
    /// <summary>Reads events until one matches, failing after <paramref name="seconds"/>.</summary>
    public static async Task<T> NextAsync<T>(this ChannelReader<EngineEvent> events, Func<T, bool>? match = null, int seconds = 10)
        where T : EngineEvent
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var next = await events.ReadAsync(timeout.Token);
            if (next is T typed && (match is null || match(typed))) return typed;
        }
    }
}

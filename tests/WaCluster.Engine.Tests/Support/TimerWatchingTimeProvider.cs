using Microsoft.Extensions.Time.Testing;

namespace WaCluster.Engine.Tests.Support;

/// <summary>
/// A fake clock that also tells when a timer is created: the engine arms its timers on other tasks, and advancing the
/// clock before a timer exists would skip it, so a test waits for the timer instead of guessing how long arming takes.
/// </summary>
internal sealed class TimerWatchingTimeProvider : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _dueTimes = [];
    private readonly List<(TimeSpan DueTime, int Count, TaskCompletionSource Armed)> _waiters = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_lock)
        {
            _dueTimes.Add(dueTime);
            foreach (var waiter in _waiters.Where(w => Created(w.DueTime) >= w.Count).ToArray())
            {
                _waiters.Remove(waiter);
                waiter.Armed.TrySetResult();
            }
        }
        return timer;
    }

    /// <summary>Completes once <paramref name="count"/> timers due after <paramref name="dueTime"/> were created in all (counting those before the call).</summary>
    public Task TimerArmedAsync(TimeSpan dueTime, int count = 1)
    {
        lock (_lock)
        {
            if (Created(dueTime) >= count) return Task.CompletedTask;
            var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((dueTime, count, armed));
            return armed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private int Created(TimeSpan dueTime) => _dueTimes.Count(d => d == dueTime);
}

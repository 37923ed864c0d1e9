using System.Diagnostics;

namespace WaCluster.TestSupport;

/// <summary>
/// Waits for a condition of a running system: checks it, and again after each short pause, until it holds. The limit
/// only bounds a failing run (a passing one returns as soon as the condition holds); past it a
/// <see cref="TimeoutException"/> names what was awaited. Exceptions of the condition itself propagate at once.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    public static Task UntilAsync(Func<bool> condition, TimeSpan limit, string what) =>
        UntilAsync(() => Task.FromResult(condition()), limit, () => what);

    /// <summary>As above; <paramref name="what"/> is described when the wait gives up, so it can show the state seen last.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan limit, Func<string> what) =>
        UntilAsync(() => Task.FromResult(condition()), limit, what);

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what) => UntilAsync(condition, limit, () => what);

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, Func<string> what) =>
        WaitAsync(async () => (await condition(), true), limit, what);

    /// <summary>Waits until <paramref name="find"/> returns a value, and returns it.</summary>
    public static Task<T> FindAsync<T>(Func<T?> find, TimeSpan limit, Func<string> what) where T : class =>
        FindAsync(() => Task.FromResult(find()), limit, what);

    public static Task<T> FindAsync<T>(Func<Task<T?>> find, TimeSpan limit, Func<string> what) where T : class =>
        WaitAsync(async () => await find() is { } found ? (true, found) : (false, default!), limit, what);

    private static async Task<T> WaitAsync<T>(Func<Task<(bool Found, T Value)>> find, TimeSpan limit, Func<string> what)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var (found, value) = await find();
            if (found) return value;
            if (waited.Elapsed > limit) throw new TimeoutException($"Not reached within {limit}: {what()}");
            await Task.Delay(Pause);
        }
    }
}

using Microsoft.Extensions.Logging;

namespace WaCluster.Node.Management.Logs;

/// <summary>
/// The node's most recent log lines, bounded in count and in the length of each line, numbered so that a follower
/// can ask for everything after the last line it saw. Writers never block on readers.
/// </summary>
public sealed class LogRing(int capacity = LogRing.DefaultCapacity)
{
    public const int DefaultCapacity = 2000;
    public const int MaxMessageLength = 4000;

    private readonly LogLine[] _lines = new LogLine[capacity];
    private readonly Lock _lock = new();
    private long _next = 1;
    private TaskCompletionSource _appended = NewSignal();

    public void Add(DateTimeOffset timestamp, LogLevel level, string source, string? account, string message)
    {
        if (message.Length > MaxMessageLength)
        {
            message = string.Concat(message.AsSpan(0, MaxMessageLength), "…");
        }
        TaskCompletionSource appended;
        lock (_lock)
        {
            var sequence = _next++;
            _lines[sequence % _lines.Length] = new LogLine(sequence, timestamp, level, source, account, message);
            appended = _appended;
            _appended = NewSignal();
        }
        appended.TrySetResult();
    }

    /// <summary>The lines after <paramref name="afterSequence"/> still held, oldest first.</summary>
    public IReadOnlyList<LogLine> After(long afterSequence)
    {
        lock (_lock)
        {
            var first = Math.Max(afterSequence + 1, Math.Max(1, _next - _lines.Length));
            var lines = new List<LogLine>((int)Math.Max(0, _next - first));
            for (var sequence = first; sequence < _next; sequence++)
            {
                lines.Add(_lines[sequence % _lines.Length]);
            }
            return lines;
        }
    }

    /// <summary>Completes when a line newer than <paramref name="afterSequence"/> exists.</summary>
    public Task WaitAfterAsync(long afterSequence, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _next - 1 > afterSequence ? Task.CompletedTask : _appended.Task.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

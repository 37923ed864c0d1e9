using Microsoft.Extensions.Logging;

namespace WaCluster.Node.Management.Logs;

/// <summary>
/// Copies the node's Microsoft.Extensions.Logging lines into the <see cref="LogRing"/>. Akka's own lines come in
/// through <see cref="AkkaLogCapture"/> with their actor path, so the Akka category is skipped here.
/// </summary>
public sealed class RingLoggerProvider(LogRing ring) : ILoggerProvider
{
    private const string AkkaCategoryPrefix = "Akka.";

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith(AkkaCategoryPrefix, StringComparison.Ordinal) ? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance : new RingLogger(ring, categoryName);

    public void Dispose()
    {
    }

    private sealed class RingLogger(LogRing ring, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var message = formatter(state, exception);
            if (exception is not null)
            {
                message = $"{message} ({exception.GetType().Name}: {exception.Message})";
            }
            ring.Add(DateTimeOffset.UtcNow, logLevel, category, AccountOf(state), message);
        }

        // Structured lines name their account as {AccountId} (any casing).
        private static string? AccountOf<TState>(TState state) =>
            state is IReadOnlyList<KeyValuePair<string, object?>> values
                ? values.FirstOrDefault(pair => string.Equals(pair.Key, "AccountId", StringComparison.OrdinalIgnoreCase)).Value?.ToString()
                : null;
    }
}

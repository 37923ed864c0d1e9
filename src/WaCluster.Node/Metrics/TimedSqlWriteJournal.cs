using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;
using WaCluster.Actors.Metrics;

namespace WaCluster.Node.Metrics;

/// <summary>
/// The SQL journal with each batch write timed into <c>wacluster.journal.write.latency</c> (labelled with the
/// plugin: the accounts' journal or sharding's). Wired in by <see cref="Hocon"/>.
/// </summary>
public sealed class TimedSqlWriteJournal : SqlWriteJournal
{
    private readonly NodeMetrics _metrics = NodeMetrics.For(Context.System);
    private readonly string _journal;

    public TimedSqlWriteJournal(Akka.Configuration.Config journalConfig) : base(journalConfig)
    {
        // Plugin actors are named after their plugin id, e.g. akka.persistence.journal.sharding.
        _journal = Self.Path.Name.Split('.')[^1];
    }

    /// <summary>Points the node's SQL journals (accounts' and sharding's) at this class.</summary>
    public static string Hocon(params string[] pluginIds) => string.Join('\n',
        pluginIds.Select(id => $"{id}.class = \"{typeof(TimedSqlWriteJournal).FullName}, {typeof(TimedSqlWriteJournal).Assembly.GetName().Name}\""));

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var write = base.WriteMessagesAsync(messages, cancellationToken);
        write.ContinueWith(
            (_, state) => ((TimedSqlWriteJournal)state!).Record(started),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return write;
    }

    // Runs off the actor thread: touches only the thread-safe instrument.
    private void Record(long started) => _metrics.JournalWritten(_journal, Stopwatch.GetElapsedTime(started));
}

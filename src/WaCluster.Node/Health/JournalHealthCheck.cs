using Akka.Actor;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WaCluster.Node.Health;

/// <summary>
/// The accounts' journal (SQLite or PostgreSQL, whichever the node is configured with) takes a read and a write
/// within the timeout. One probe at a time: while an earlier probe still waits on the journal, the journal is
/// reported unhealthy rather than piling up more writers on the probe's persistence id.
/// </summary>
internal sealed class JournalHealthCheck(ActorSystem system, string? journalPluginId, TimeSpan timeout) : IHealthCheck
{
    private readonly Lock _lock = new();
    private readonly string _persistenceId = "health-probe-" + ((ExtendedActorSystem)system).Provider.DefaultAddress.HostPort();
    private Task _running = Task.CompletedTask;
    private long _probes;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IActorRef probe;
        Task<object> answer;
        lock (_lock)
        {
            if (!_running.IsCompleted)
            {
                return HealthCheckResult.Unhealthy("an earlier journal probe is still waiting on the journal");
            }
            var reply = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            var inbox = system.ActorOf(Props.Create(() => new ReplyCatcher(reply)), $"health-journal-reply-{++_probes}");
            probe = system.ActorOf(JournalProbe.Props(_persistenceId, journalPluginId, inbox), $"health-journal-probe-{_probes}");
            _running = probe.WatchAsync(CancellationToken.None).ContinueWith(_ => system.Stop(inbox), TaskScheduler.Default);
            answer = reply.Task;
        }
        try
        {
            return await answer.WaitAsync(timeout, cancellationToken).ConfigureAwait(false) switch
            {
                JournalProbe.Passed => HealthCheckResult.Healthy("journal read and write succeeded"),
                JournalProbe.Failed failed => HealthCheckResult.Unhealthy(failed.Reason),
                var other => HealthCheckResult.Unhealthy("unexpected probe answer " + other.GetType().Name),
            };
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"the journal did not complete a read and write within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Hands the probe's first answer to the waiting check.</summary>
    private sealed class ReplyCatcher : ReceiveActor
    {
        public ReplyCatcher(TaskCompletionSource<object> reply) => ReceiveAny(message => reply.TrySetResult(message));
    }
}

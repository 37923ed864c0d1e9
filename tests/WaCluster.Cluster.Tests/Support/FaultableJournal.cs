using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace WaCluster.Cluster.Tests.Support;

/// <summary>What the journal does with one write.</summary>
public enum WriteOutcome
{
    Pass,

    /// <summary>The write fails as a broken connection would (the journal's state is unknown).</summary>
    Fail,

    /// <summary>The journal refuses the write (e.g. it cannot serialize it); the writer goes on.</summary>
    Reject,
}

/// <summary>
/// The in-memory journal with writes a test decides about. Akka.Persistence.TestKit's TestJournal takes its faults as
/// messages carrying closures, which serialize-messages = on must copy and cannot; here the test sets them directly,
/// per ActorSystem, so every message stays checked.
/// </summary>
public sealed class FaultableJournal : MemoryJournal
{
    public const string PluginId = "akka.persistence.journal.faultable";

    private static readonly ConcurrentDictionary<ActorSystem, Func<IPersistentRepresentation, Task<WriteOutcome>>> Decisions = new();

    /// <summary>HOCON that makes this the default journal (with the in-memory snapshot store).</summary>
    public static Config Config => ConfigurationFactory.ParseString($$"""
        akka.persistence {
          journal {
            plugin = "{{PluginId}}"
            faultable {
              class = "{{typeof(FaultableJournal).AssemblyQualifiedName}}"
              plugin-dispatcher = "akka.actor.default-dispatcher"
            }
          }
          snapshot-store {
            plugin = "akka.persistence.snapshot-store.inmem"
          }
        }
        """);

    /// <summary>Decides every later write of <paramref name="system"/>'s journal (it may also wait or act first).</summary>
    public static void OnWrite(ActorSystem system, Func<IPersistentRepresentation, Task<WriteOutcome>> decide) => Decisions[system] = decide;

    public static void OnWrite(ActorSystem system, WriteOutcome outcome) => OnWrite(system, _ => Task.FromResult(outcome));

    public static void PassAll(ActorSystem system) => Decisions.TryRemove(system, out _);

    private readonly ActorSystem _system = Context.System;

    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        if (!Decisions.TryGetValue(_system, out var decide))
        {
            return await base.WriteMessagesAsync(messages, cancellationToken);
        }
        var results = ImmutableList.CreateBuilder<Exception?>();
        foreach (var write in messages)
        {
            var outcome = WriteOutcome.Pass;
            foreach (var representation in (IEnumerable<IPersistentRepresentation>)write.Payload)
            {
                var decided = await decide(representation);
                outcome = decided > outcome ? decided : outcome;
            }
            switch (outcome)
            {
                case WriteOutcome.Fail:
                    throw new JournalFaultException("write failed by the test");
                case WriteOutcome.Reject:
                    results.Add(new JournalFaultException("write rejected by the test"));
                    break;
                default:
                    var written = await base.WriteMessagesAsync([write], cancellationToken);
                    results.Add(written is { Count: > 0 } ? written[0] : null);
                    break;
            }
        }
        return results.ToImmutable();
    }
}

public sealed class JournalFaultException(string message) : Exception(message);

using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace WaCluster.Node.Hosting;

/// <summary>
/// Lets serialize-messages = on pass over internal Akka messages that never leave their process and that the default
/// JSON serializer cannot copy, or copies wrongly. Akka.NET 1.5.74 exempts a message from the verification copy only
/// when its type implements <see cref="INoSerializationVerificationNeeded"/>; it has no equivalent of Akka JVM's
/// no-serialization-verification-needed-class-prefix (which exempts "akka." by default), and these types lack the
/// marker, so without a binding they fall to JSON:
/// <list type="bullet">
/// <item>Akka.Persistence.Sql's WriteFinished, piped by the journal to itself, carries the write's Task: the copy
/// throws, Akka drops the message and every later write of that journal stalls.</item>
/// <item>Akka.Persistence's Desequenced, which the journal sends itself to answer writers in order, carries the
/// write's outcome; a failed write's exception does not survive the JSON copy, Akka drops the message, and the
/// writer never learns its write failed: the account waits for it for ever (seen under load in the failover proof).</item>
/// <item>Akka.DistributedData's ReadRepair, sent by a read aggregator to its parent replicator, is not one of
/// DData's replicator messages, so DData's serializer does not cover it, and JSON cannot enumerate the immutable
/// pruning map inside it: the copy throws and the repair is dropped.</item>
/// <item>Akka.Cluster's domain events (MemberUp and the other member, reachability and leader events), published
/// to local subscribers only. Akka marks the initial CurrentClusterState as exempt but not these (an Akka.NET
/// omission). Their JSON copy succeeds but rebuilds each Member with up-number 0, so every node looks equally old:
/// the sharding proxy then registers with whichever node sorts first by address instead of the coordinator's node,
/// and singleton hand-over waits for the wrong node, whenever the seed's port is not the lowest.</item>
/// </list>
/// The "copy" hands the same instance back through a per-ActorSystem table: bytes are only a ticket into it.
/// A ticket presented to another ActorSystem (one of these types sent to another node) finds nothing there and
/// fails with a <see cref="SerializationException"/>, so the binding cannot silently stand in for a wire format.
/// </summary>
public sealed class LocalOnlyMessageSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public const int SerializerId = 611;

    /// <summary>Bound only when serialize-messages is on, to exactly these Akka-internal types (and their subtypes).</summary>
    public static readonly IReadOnlyList<string> LocalOnlyTypes =
    [
        "Akka.Persistence.Sql.Journal.Types.WriteFinished, Akka.Persistence.Sql",
        "Akka.Persistence.Journal.AsyncWriteJournal+Desequenced, Akka.Persistence",
        "Akka.DistributedData.Internal.ReadRepair, Akka.DistributedData",
        "Akka.Cluster.ClusterEvent+IClusterDomainEvent, Akka.Cluster",
    ];

    public static string Hocon => $$"""
        akka.actor {
          serializers.wacluster-local-only = "{{typeof(LocalOnlyMessageSerializer).AssemblyQualifiedName}}"
          serialization-bindings {
        {{string.Join("\n", LocalOnlyTypes.Select(type => $"    \"{type}\" = wacluster-local-only"))}}
          }
        }
        """;

    // Filled by ToBinary and emptied by the FromBinary of the same verification copy, so it stays near empty.
    private readonly ConcurrentDictionary<long, object> _pending = new();
    private long _lastTicket;

    public override int Identifier => SerializerId;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        var ticket = Interlocked.Increment(ref _lastTicket);
        _pending[ticket] = obj;
        var bytes = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, ticket);
        return bytes;
    }

    public override object FromBinary(byte[] bytes, Type type)
    {
        if (bytes.Length != sizeof(long) || !_pending.TryRemove(BinaryPrimitives.ReadInt64LittleEndian(bytes), out var message))
        {
            throw new SerializationException(
                $"A local-only Akka message ({type?.FullName ?? "unknown type"}) reached an ActorSystem that did not write it.");
        }
        return message;
    }
}

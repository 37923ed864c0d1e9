using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using WaCluster.Node.Hosting;

namespace WaCluster.Cluster.Tests.Contracts;

[Trait("Proof", "cluster-serialization")]
public sealed class LocalOnlyMessageSerializerTests : IDisposable
{
    private static readonly Type WriteFinished = Type.GetType(LocalOnlyMessageSerializer.LocalOnlyTypes[0], throwOnError: true)!;

    private readonly ActorSystem _first = ActorSystem.Create("local-only-first", ConfigurationFactory.ParseString(LocalOnlyMessageSerializer.Hocon));
    private readonly ActorSystem _second = ActorSystem.Create("local-only-second", ConfigurationFactory.ParseString(LocalOnlyMessageSerializer.Hocon));

    [Fact]
    public void The_copy_inside_one_actor_system_is_the_same_instance_and_only_once()
    {
        var serializer = _first.Serialization.FindSerializerForType(WriteFinished);
        var message = new object();

        var bytes = serializer.ToBinary(message);

        Assert.Same(message, _first.Serialization.Deserialize(bytes, serializer.Identifier, WriteFinished));
        Assert.Throws<SerializationException>(() => _first.Serialization.Deserialize(bytes, serializer.Identifier, WriteFinished));
    }

    [Fact]
    public void Bytes_written_by_another_actor_system_or_malformed_are_serialization_errors()
    {
        var first = _first.Serialization.FindSerializerForType(WriteFinished);
        var second = _second.Serialization.FindSerializerForType(WriteFinished);
        Assert.Equal(first.Identifier, second.Identifier);

        var bytes = first.ToBinary(new object());

        Assert.Throws<SerializationException>(() => second.FromBinary(bytes, WriteFinished));
        Assert.Throws<SerializationException>(() => first.FromBinary([1, 2, 3], WriteFinished));
        Assert.Throws<SerializationException>(() => first.FromBinary([], WriteFinished));
    }

    public void Dispose()
    {
        _first.Terminate().Wait(TimeSpan.FromSeconds(10));
        _second.Terminate().Wait(TimeSpan.FromSeconds(10));
    }
}

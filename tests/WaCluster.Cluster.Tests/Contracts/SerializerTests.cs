using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using WaCluster.Cluster.Tests.Failover;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.Contracts.Serialization;
using WaCluster.Node.Hosting;

namespace WaCluster.Cluster.Tests.Contracts;

[Trait("Proof", "cluster-serialization")]
public sealed class SerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer-tests", TestHocon.SerializeEverything);

    public static TheoryData<string> MessageTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in WaClusterSerializer.KnownTypes)
        {
            data.Add(type.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void Every_field_of_every_message_survives_the_round_trip(string typeName)
    {
        var type = WaClusterSerializer.KnownTypes.Single(known => known.Name == typeName);
        var original = (IMessage)Activator.CreateInstance(type)!;
        Fill(original, depth: 0);

        var serializer = _system.Serialization.FindSerializerFor(original);
        Assert.IsType<WaClusterSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, original);
        Assert.False(string.IsNullOrEmpty(manifest));
        var bytes = serializer.ToBinary(original);

        var back = _system.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.IsType(type, back);
        Assert.Equal(original, back);
        if (original.Descriptor.Fields.InDeclarationOrder().Count > 0)
        {
            // The sample is not the empty message, so equality above compared real values.
            Assert.NotEqual((IMessage)Activator.CreateInstance(type)!, back);
        }
    }

    [Fact]
    public void Every_contract_message_is_registered_and_every_manifest_is_distinct()
    {
        var contractTypes = typeof(IWaClusterMessage).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IWaClusterMessage).IsAssignableFrom(type))
            .OrderBy(type => type.Name)
            .ToList();
        Assert.Equal(contractTypes, WaClusterSerializer.KnownTypes.OrderBy(type => type.Name));

        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerForType(typeof(IWaClusterMessage));
        var manifests = contractTypes.Select(type => serializer.Manifest(Activator.CreateInstance(type)!)).ToList();
        Assert.Equal(manifests.Count, manifests.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Journaled_types_keep_the_manifests_their_journals_were_written_with_and_retired_ones_stay_unknown()
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerForType(typeof(IWaClusterMessage));
        var journaled = new (IMessage Message, string Manifest)[]
        {
            (new CredsStored(), "j-creds"), (new SignalStateStored(), "j-signal"), (new SendIntentStored(), "j-intent"),
            (new SendIntentCompleted(), "j-intent-done"), (new InboundStored(), "j-in"), (new AccountStarted(), "j-started"),
            (new AccountLoggedOut(), "j-logout"), (new AccountDisconnected(), "j-disconnected"), (new AccountSnapshot(), "j-snapshot"),
            (new SendIntent(), "intent"), (new MessageReceived(), "e-msg"),
        };
        Assert.All(journaled, entry => Assert.Equal(entry.Manifest, serializer.Manifest(entry.Message)));
        foreach (var retired in new[] { "e-text", "l-in", "l-in-ack" })
        {
            Assert.Throws<SerializationException>(() => serializer.FromBinary([], retired));
        }
    }

    [Fact]
    public void Unknown_manifest_and_malformed_bytes_are_serialization_errors()
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerForType(typeof(IWaClusterMessage));

        Assert.Throws<SerializationException>(() => serializer.FromBinary([1, 2, 3], "no-such-manifest"));
        // Field 3 (to_jid) declared as a 200-byte string with only 2 bytes behind it.
        Assert.Throws<SerializationException>(() => serializer.FromBinary([0x1A, 0xC8, 0x01, 0x41, 0x42], "c-send-text"));
        Assert.Throws<ArgumentException>(() => serializer.ToBinary("not a contract"));
    }

    [Fact]
    public void The_marker_interface_is_bound_to_our_serializer_and_nothing_else() => AssertOnlyOurSerializerForOurTypes(_system);

    [Fact]
    public async Task A_failover_cluster_node_copies_every_message_and_passes_over_only_akkas_local_only_types()
    {
        await using var nodes = new ClusterNodes(accountNodes: 1);
        await nodes.StartAllAsync();
        var system = nodes.ActorSystemOf(0);

        AssertOnlyOurSerializerForOurTypes(system);
        var localOnly = Bindings(system).Where(binding => binding.Serializer == "wacluster-local-only").Select(binding => binding.Type);
        Assert.Equal(LocalOnlyMessageSerializer.LocalOnlyTypes.Order(StringComparer.Ordinal), localOnly.Order(StringComparer.Ordinal));
        foreach (var name in LocalOnlyMessageSerializer.LocalOnlyTypes)
        {
            var type = Type.GetType(name, throwOnError: true)!;
            Assert.StartsWith("Akka.", type.FullName, StringComparison.Ordinal);
            Assert.IsType<LocalOnlyMessageSerializer>(system.Serialization.FindSerializerForType(type));
        }
    }

    /// <summary>Every message is copied, ours by our serializer only, and no Hyperion fallback exists.</summary>
    private static void AssertOnlyOurSerializerForOurTypes(ActorSystem system)
    {
        var settings = system.Settings;
        Assert.True(settings.SerializeAllMessages);
        var bindings = Bindings(system);
        var ours = Assert.Single(bindings, binding => binding.Type.StartsWith(typeof(IWaClusterMessage).FullName + ",", StringComparison.Ordinal));
        Assert.All(bindings.Where(binding => binding.Type.StartsWith("WaCluster.", StringComparison.Ordinal)), binding => Assert.Equal("wacluster", binding.Serializer));
        Assert.Equal("wacluster", ours.Serializer);
        Assert.DoesNotContain(settings.Config.GetConfig("akka.actor.serializers").AsEnumerable(),
            pair => pair.Value.GetString().Contains("Hyperion", StringComparison.OrdinalIgnoreCase));
        foreach (var type in WaClusterSerializer.KnownTypes)
        {
            Assert.IsType<WaClusterSerializer>(system.Serialization.FindSerializerForType(type));
        }
    }

    private static List<(string Type, string Serializer)> Bindings(ActorSystem system) =>
        system.Settings.Config.GetConfig("akka.actor.serialization-bindings").AsEnumerable()
            .Select(pair => (Type: pair.Key.Trim('"'), Serializer: pair.Value.GetString()))
            .ToList();

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    /// <summary>Gives every field a non-default value (two elements in repeated fields), nested messages included.</summary>
    private static void Fill(IMessage message, int depth)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.IsRepeated)
            {
                var list = (System.Collections.IList)field.Accessor.GetValue(message);
                list.Add(Sample(field, depth, 1));
                list.Add(Sample(field, depth, 2));
            }
            else
            {
                field.Accessor.SetValue(message, Sample(field, depth, 1));
            }
        }
    }

    private static object Sample(FieldDescriptor field, int depth, int variant) => field.FieldType switch
    {
        FieldType.String => $"{field.Name}-{variant}",
        FieldType.Bytes => ByteString.CopyFrom([(byte)field.FieldNumber, (byte)variant, 0xFF]),
        FieldType.Bool => true,
        FieldType.Int64 => 1_700_000_000_000L + variant,
        FieldType.Int32 => 7 + variant,
        FieldType.UInt64 => 5_000_000_000UL + (ulong)variant,
        FieldType.UInt32 => 3_000_000_000U + (uint)variant,
        FieldType.Enum => field.EnumType.Values[Math.Min(variant, field.EnumType.Values.Count - 1)].Number,
        FieldType.Message when depth < 4 => FilledNested(field, depth),
        _ => throw new NotSupportedException($"{field.FullName}: {field.FieldType}"),
    };

    private static IMessage FilledNested(FieldDescriptor field, int depth)
    {
        var nested = field.MessageType.Parser.ParseFrom(ByteString.Empty);
        Fill(nested, depth + 1);
        return nested;
    }
}

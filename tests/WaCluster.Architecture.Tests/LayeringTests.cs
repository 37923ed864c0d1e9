using System.Reflection;
using NetArchTest.Rules;
using WaCluster.Architecture.Tests.Violations;

namespace WaCluster.Architecture.Tests;

/// <summary>
/// The functional core does no I/O and schedules nothing, and no library below the actors knows Akka. The rules see
/// the types a type depends on (signatures, fields, locals, the declaring types of members it calls); a call such as
/// <c>Task.Delay</c> shows only as a dependency on <c>Task</c>, which the core may use, so timing is proven through the
/// types that carry it (timers, channels) instead.
/// </summary>
[Trait("Proof", "architecture")]
public sealed class LayeringTests
{
    private static readonly string[] IoAndScheduling =
    [
        "System.Net.WebSockets",
        "System.Net.Http",
        "System.Net.Sockets",
        "System.IO.File",
        "System.IO.Directory",
        "System.Threading.Channels",
        "System.Threading.Timer",
        "System.Threading.PeriodicTimer",
        "System.Timers",
    ];

    private static readonly string[] Akka = ["Akka"];

    private static readonly Assembly Core = typeof(WaCluster.Core.Stanzas.StanzaAcks).Assembly;
    private static readonly Assembly Engine = typeof(WaCluster.Engine.AccountEngine).Assembly;
    private static readonly Assembly Protocol = typeof(WaCluster.Protocol.Binary.BinaryNode).Assembly;
    private static readonly Assembly Signal = typeof(WaCluster.Signal.Stores.InMemorySignalProtocolStore).Assembly;

    public static TheoryData<string> AkkaFreeAssemblies => [Protocol.GetName().Name!, Signal.GetName().Name!, Core.GetName().Name!, Engine.GetName().Name!];

    [Fact]
    public void The_core_depends_on_no_io_or_scheduling_type()
    {
        AssertPasses(Types.InAssembly(Core).ShouldNot().HaveDependencyOnAny(IoAndScheduling).GetResult());
    }

    [Fact]
    public void The_core_does_not_know_the_engine()
    {
        AssertPasses(Types.InAssembly(Core).ShouldNot().HaveDependencyOn("WaCluster.Engine").GetResult());
        Assert.DoesNotContain(Core.GetReferencedAssemblies(), name => name.Name == Engine.GetName().Name);
    }

    [Theory]
    [MemberData(nameof(AkkaFreeAssemblies))]
    public void The_libraries_below_the_actors_do_not_know_akka(string assemblyName)
    {
        var assembly = new[] { Protocol, Signal, Core, Engine }.Single(a => a.GetName().Name == assemblyName);
        AssertPasses(Types.InAssembly(assembly).ShouldNot().HaveDependencyOnAny(Akka).GetResult());
        Assert.DoesNotContain(assembly.GetReferencedAssemblies(), name => name.Name!.StartsWith("Akka", StringComparison.Ordinal));
    }

    [Fact]
    public void The_io_rule_fails_on_each_kind_of_io_or_scheduling_type()
    {
        var result = Violating().ShouldNot().HaveDependencyOnAny(IoAndScheduling).GetResult();

        Assert.False(result.IsSuccessful);
        Assert.Equal(
            new[] { typeof(UsesWebSocket), typeof(UsesHttp), typeof(UsesSocket), typeof(UsesFile), typeof(UsesChannel), typeof(UsesTimer), typeof(UsesPeriodicTimer) }
                .Select(t => t.FullName).Order(),
            result.FailingTypeNames.Order());
    }

    [Fact]
    public void The_akka_rule_fails_on_an_actor()
    {
        var result = Violating().ShouldNot().HaveDependencyOnAny(Akka).GetResult();

        Assert.False(result.IsSuccessful);
        Assert.Equal([typeof(UsesAkka).FullName], result.FailingTypeNames);
    }

    [Fact]
    public void The_engine_rule_fails_on_a_type_that_uses_the_engine()
    {
        var result = Violating().ShouldNot().HaveDependencyOn("WaCluster.Engine").GetResult();

        Assert.False(result.IsSuccessful);
        Assert.Equal([typeof(UsesEngine).FullName], result.FailingTypeNames);
    }

    private static PredicateList Violating() =>
        Types.InAssembly(typeof(LayeringTests).Assembly).That().ResideInNamespace(typeof(UsesAkka).Namespace);

    private static void AssertPasses(TestResult result) =>
        Assert.True(result.IsSuccessful, "violating types: " + string.Join(", ", result.FailingTypeNames ?? []));
}

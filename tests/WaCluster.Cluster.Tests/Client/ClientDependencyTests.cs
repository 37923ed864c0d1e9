using System.Reflection;
using NetArchTest.Rules;
using WaCluster.Client;

namespace WaCluster.Cluster.Tests.Client;

/// <summary>
/// A sibling service that only wants to reach the accounts takes WaCluster.Client: contracts and Akka, none of the
/// node's storage, telemetry, web host, actors or engine.
/// </summary>
[Trait("Proof", "architecture")]
public sealed class ClientDependencyTests
{
    private static readonly string[] Forbidden =
        ["Microsoft.Data.Sqlite", "SQLitePCLRaw", "Npgsql", "OpenTelemetry", "Microsoft.AspNetCore", "WaCluster.Actors", "WaCluster.Engine", "WaCluster.Node"];

    private static readonly Assembly ClientAssembly = typeof(IWhatsAppCluster).Assembly;

    [Fact]
    public void No_type_of_the_client_uses_the_node_side()
    {
        var result = Types.InAssembly(ClientAssembly).ShouldNot().HaveDependencyOnAny(Forbidden).GetResult();

        Assert.True(result.IsSuccessful, "depend on the node side: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Neither_the_client_nor_anything_it_references_is_a_node_side_assembly()
    {
        var closure = References(ClientAssembly);

        Assert.Contains("WaCluster.Contracts", closure);
        Assert.Contains("Akka.Cluster.Sharding", closure);
        Assert.DoesNotContain(closure, name => Forbidden.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)));
    }

    /// <summary>The names of every assembly reachable from <paramref name="root"/> by its references.</summary>
    private static HashSet<string> References(Assembly root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<AssemblyName>(root.GetReferencedAssemblies());
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name.Name!))
            {
                continue;
            }
            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies())
            {
                pending.Push(reference);
            }
        }
        return seen;
    }
}

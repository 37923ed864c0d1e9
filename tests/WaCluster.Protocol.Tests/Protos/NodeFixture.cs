using WaCluster.TestSupport;

namespace WaCluster.Protocol.Tests.Protos;

/// <summary>One Node peer shared by all tests of a class (xunit builds a new class instance for every test case).</summary>
public sealed class NodeFixture : IAsyncLifetime
{
    public NodeHarness Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.Iq;

/// <summary>One Node peer for the iq proofs of a class (xunit builds a new class instance for every test).</summary>
public sealed class BaileysIqPeer : IAsyncLifetime
{
    public NodeHarness Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

using WaCluster.Node.Hosting;
using WaCluster.Simulator;

namespace WaCluster.Cluster.Tests.Cli;

/// <summary>A <see cref="ManagedNode"/> whose accounts run the real engine against an in-process simulator.</summary>
public sealed class SimulatorManagedNode : ManagedNode
{
    private SimulatorHost? _simulator;

    public WaSimulator Simulator => _simulator!.Simulator;

    protected override async Task<EngineEndpointOptions?> StartServerAsync()
    {
        _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 71 });
        return EngineEndpointOptions.Simulator(_simulator.ChatUri, _simulator.Simulator.RootPublicKey, _simulator.Certificate);
    }

    protected override async Task StopServerAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }
    }
}

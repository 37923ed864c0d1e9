using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Simulator;

namespace WaCluster.Engine.Tests.Support;

internal static class SimulatorEngineOptions
{
    /// <summary>Engine options that connect to <paramref name="host"/> and trust its certificate root; the rest default.</summary>
    public static EngineOptions EngineOptions(this SimulatorHost host) => new()
    {
        ServerUri = host.ChatUri,
        CertificateVerifier = new CertificateChainVerifier(host.Simulator.RootPublicKey),
    };
}

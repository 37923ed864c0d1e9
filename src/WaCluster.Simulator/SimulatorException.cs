using WaCluster.Protocol;

namespace WaCluster.Simulator;

/// <summary>A control call or client stanza the simulator refuses, with the reason.</summary>
public sealed class SimulatorException(string message) : ProtocolException(message);

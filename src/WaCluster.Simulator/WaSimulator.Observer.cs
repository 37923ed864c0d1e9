using WaCluster.Protocol.Binary;
using WaCluster.Simulator.Connections;

namespace WaCluster.Simulator;

public sealed partial class WaSimulator
{
    /// <summary>
    /// Called with every stanza a client sent, as the simulator decoded it, before it is routed (under the simulator's
    /// lock: an observer only records). Lets tests compare what a real client sends with what ours sends.
    /// </summary>
    public Action<ChatConnection, BinaryNode>? ClientStanzaObserver { get; set; }
}

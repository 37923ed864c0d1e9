using WaCluster.Protocol.Binary;

namespace WaCluster.TestSupport.Companions;

/// <summary>A test client's connection to the simulator once its Noise handshake is done: binary nodes both ways.</summary>
public interface INodeConnection
{
    Task SendNodeAsync(BinaryNode node, CancellationToken cancellationToken);

    /// <summary>The next node, or null once the server closed the stream.</summary>
    Task<BinaryNode?> ReceiveNodeAsync(CancellationToken cancellationToken);
}

using WaCluster.Protocol;

namespace WaCluster.Core;

/// <summary>A typed failure of the account engine: bad server input, bad persisted state, or a refused flow.</summary>
public class EngineException(string message, Exception? inner = null) : ProtocolException(message, inner);

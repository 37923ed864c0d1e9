namespace WaCluster.Core.History;

/// <summary>
/// A history chunk that cannot be processed: a notification without direct path or media key, a blob over the
/// configured limit, one that fails its MAC or hashes, does not inflate or is not a HistorySync. Nothing of the chunk
/// is stored or announced.
/// </summary>
public sealed class HistorySyncException(string message, Exception? inner = null) : EngineException(message, inner);

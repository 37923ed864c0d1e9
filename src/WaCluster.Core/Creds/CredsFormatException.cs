namespace WaCluster.Core.Creds;

/// <summary>Persisted credentials that cannot be read back (truncated, wrong version, missing keys).</summary>
public sealed class CredsFormatException(string message, Exception? inner = null) : EngineException(message, inner);

namespace WaCluster.Core.Events;

/// <summary>A stanza or background step that failed without ending the connection (e.g. a failed pre-key upload).</summary>
public sealed record EngineError(string Context, Exception Error) : EngineEvent("engine.error");

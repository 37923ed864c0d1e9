namespace WaCluster.Engine.Media;

/// <summary>Media could not be uploaded or fetched: no usable host answered, or an answer made no sense.</summary>
public sealed class MediaTransferException(string message, Exception? inner = null) : EngineException(message, inner);

using WaCluster.Protocol;

namespace WaCluster.Core.AppState;

/// <summary>Why an app state record, patch or snapshot was refused.</summary>
public enum AppStateError
{
    /// <summary>A blob or MAC shorter or longer than its fixed layout, or a record missing its index, value or key id.</summary>
    Truncated,
    UnknownKeyId,
    WrongValueMac,
    WrongIndexMac,
    BadPadding,
    /// <summary>The decrypted value is not a SyncActionData, or its index is not a JSON array of strings.</summary>
    MalformedAction,
    WrongSnapshotMac,
    WrongPatchMac,
    /// <summary>A patch whose version the collection already holds.</summary>
    StaleVersion,
    /// <summary>A patch further ahead than the version right after the collection's: the patches between are missing.</summary>
    MissingVersions,
}

/// <summary>A typed refusal of app state input; the collection it was meant for is left unchanged.</summary>
public sealed class AppStateException(AppStateError error, string message, Exception? inner = null)
    : ProtocolException(message, inner)
{
    public AppStateError Error { get; } = error;
}

namespace WaCluster.Signal.Sessions;

/// <summary>
/// On the initiator, what every outgoing message repeats (as a pkmsg) until the peer's first reply proves the session:
/// the pre-key ids used and our base key.
/// </summary>
internal sealed record PendingPreKey(uint? PreKeyId, uint SignedPreKeyId, byte[] BaseKey);

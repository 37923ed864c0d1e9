using WaCluster.Signal.Keys;

namespace WaCluster.Signal.Sessions;

/// <summary>
/// One Double Ratchet session with a peer device. Copy-on-write: a state reachable from a stored record is never
/// changed; an operation works on <see cref="CloneForUpdate"/> (which shares the untouched chains) and stores that.
/// Byte arrays held here are never written after construction, so clones may share them.
/// </summary>
internal sealed class SessionState
{
    public required uint RemoteRegistrationId { get; init; }

    public required IdentityKey RemoteIdentityKey { get; init; }

    /// <summary>The X3DH base key (0x05-prefixed) that names the session; <see cref="BaseKeyIsOurs"/> on the initiator.</summary>
    public required byte[] BaseKey { get; init; }

    public required bool BaseKeyIsOurs { get; init; }

    public required byte[] RootKey { get; set; }

    /// <summary>Our current ratchet key pair: public 0x05-prefixed, private raw.</summary>
    public required byte[] SenderRatchetPublic { get; set; }

    public required byte[] SenderRatchetPrivate { get; set; }

    /// <summary>The peer's ratchet key we last stepped with; its chain is the one a new step closes.</summary>
    public required byte[] LastRemoteRatchetKey { get; set; }

    /// <summary>The index of the last message we sent on our previous sending chain.</summary>
    public uint PreviousCounter { get; set; }

    /// <summary>Absent only on a responder that has not yet received (cannot happen after a pkmsg was decrypted).</summary>
    public ChainState? SendingChain { get; set; }

    /// <summary>Oldest first, at most <see cref="SessionLimits.MaxReceivingChains"/>.</summary>
    public List<ChainState> ReceivingChains { get; private init; } = [];

    public PendingPreKey? PendingPreKey { get; set; }

    /// <summary>
    /// The protobuf form, kept once built: a state is frozen by the time it is serialized (operations change clones),
    /// so a record's unchanged archived sessions are not rebuilt for every journal event. Never carried into clones.
    /// </summary>
    internal Proto.SessionStructure? Serialized { get; set; }

    public SessionState CloneForUpdate() => new()
    {
        RemoteRegistrationId = RemoteRegistrationId,
        RemoteIdentityKey = RemoteIdentityKey,
        BaseKey = BaseKey,
        BaseKeyIsOurs = BaseKeyIsOurs,
        RootKey = RootKey,
        SenderRatchetPublic = SenderRatchetPublic,
        SenderRatchetPrivate = SenderRatchetPrivate,
        LastRemoteRatchetKey = LastRemoteRatchetKey,
        PreviousCounter = PreviousCounter,
        SendingChain = SendingChain,
        ReceivingChains = new List<ChainState>(ReceivingChains),
        PendingPreKey = PendingPreKey,
    };

    public int FindReceivingChain(ReadOnlySpan<byte> ratchetKey)
    {
        for (var i = ReceivingChains.Count - 1; i >= 0; i--)
        {
            if (ReceivingChains[i].RatchetKey.AsSpan().SequenceEqual(ratchetKey))
            {
                return i;
            }
        }
        return -1;
    }

    public void AddReceivingChain(ChainState chain)
    {
        ReceivingChains.Add(chain);
        if (ReceivingChains.Count > SessionLimits.MaxReceivingChains)
        {
            ReceivingChains.RemoveAt(0);
        }
    }

    /// <summary>True when this is the responder session the pkmsg with <paramref name="baseKey"/> created.</summary>
    public bool IsTheirBaseKey(ReadOnlySpan<byte> baseKey) => !BaseKeyIsOurs && BaseKey.AsSpan().SequenceEqual(baseKey);
}

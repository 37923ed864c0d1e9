using WaCluster.Signal.Ratchet;

namespace WaCluster.Signal.Sessions;

/// <summary>A message key seed kept for a message that has not arrived yet.</summary>
internal readonly record struct SkippedMessageKey(uint Index, byte[] Seed);

/// <summary>
/// One symmetric ratchet chain, named by the ratchet public key it came from. Instances reachable from a stored
/// record are never changed: an operation clones the chain it advances (<see cref="Clone"/>) and stores the clone.
/// </summary>
internal sealed class ChainState
{
    public ChainState(byte[] ratchetKey, byte[]? chainKey, uint nextIndex, List<SkippedMessageKey>? skipped = null)
    {
        RatchetKey = ratchetKey;
        ChainKey = chainKey;
        NextIndex = nextIndex;
        Skipped = skipped;
    }

    /// <summary>The 0x05-prefixed ratchet public key that names the chain.</summary>
    public byte[] RatchetKey { get; }

    /// <summary>Null once the chain is closed: then only its skipped keys still decrypt.</summary>
    public byte[]? ChainKey { get; private set; }

    /// <summary>Index of the message key <see cref="ChainKey"/> yields next.</summary>
    public uint NextIndex { get; private set; }

    public List<SkippedMessageKey>? Skipped { get; private set; }

    /// <summary>
    /// The protobuf form, kept once built: a chain is frozen by the time it is serialized (operations change clones),
    /// so the chains an operation did not touch are not rebuilt for its journal event. Never carried into clones.
    /// </summary>
    internal Proto.ChainStructure? Serialized { get; set; }

    public ChainState Clone() => new(RatchetKey, ChainKey, NextIndex, Skipped is null ? null : new List<SkippedMessageKey>(Skipped));

    /// <summary>Sending side: the seed for message <see cref="NextIndex"/>, advancing the chain.</summary>
    public uint NextSendingSeed(Span<byte> seed)
    {
        var key = ChainKey ?? throw new InvalidOperationException("sending chain is closed");
        ChainKey = SignalKdf.ChainStep(key, seed);
        return NextIndex++;
    }

    /// <summary>
    /// Receiving side: the seed for message <paramref name="index"/>, from the skipped keys or by advancing the chain
    /// (keeping the keys it passes). Throws the typed error for a used key, a closed chain or too large a jump.
    /// </summary>
    public void TakeReceivingSeed(uint index, Span<byte> seed)
    {
        if (index < NextIndex)
        {
            if (!TryTakeSkipped(index, seed))
            {
                throw new DuplicateMessageException($"message key {index} was already used (chain is at {NextIndex})");
            }
            return;
        }
        SkipTo(index, "message counter", alsoUsesTarget: true);
        ChainKey = SignalKdf.ChainStep(ChainKey!, seed);
        NextIndex = index + 1;
    }

    /// <summary>The peer moved on: keep the keys of messages up to <paramref name="lastIndex"/> that are still due, then close.</summary>
    public void Close(uint lastIndex)
    {
        if (ChainKey is not null && lastIndex >= NextIndex)
        {
            SkipTo(lastIndex + 1L, "previous counter", alsoUsesTarget: false);
        }
        ChainKey = null;
    }

    /// <summary>Stores the seeds of indexes NextIndex..target-1 as skipped and leaves the chain at <paramref name="target"/>.</summary>
    /// <remarks>Like libsignal, at most 2,000 keys are derived per message, counting the one about to be used.</remarks>
    private void SkipTo(long target, string what, bool alsoUsesTarget)
    {
        var key = ChainKey ?? throw new InvalidMessageException($"{what} {target} is beyond a closed chain");
        var count = target - NextIndex;
        if (count + (alsoUsesTarget ? 1 : 0) > SessionLimits.MaxFutureMessages)
        {
            throw new MessageTooFarInFutureException($"{what} {target} is {count} keys ahead of the chain (limit {SessionLimits.MaxFutureMessages})");
        }
        if (count <= 0)
        {
            return;
        }
        Skipped ??= new List<SkippedMessageKey>((int)count);
        for (var i = NextIndex; i < target; i++)
        {
            var seed = new byte[SignalKdf.KeyLength];
            key = SignalKdf.ChainStep(key, seed);
            Skipped.Add(new SkippedMessageKey((uint)i, seed));
        }
        var excess = Skipped.Count - SessionLimits.MaxSkippedKeysPerChain;
        if (excess > 0)
        {
            Skipped.RemoveRange(0, excess);
        }
        ChainKey = key;
        NextIndex = (uint)target;
    }

    private bool TryTakeSkipped(uint index, Span<byte> seed)
    {
        if (Skipped is null)
        {
            return false;
        }
        for (var i = 0; i < Skipped.Count; i++)
        {
            if (Skipped[i].Index == index)
            {
                Skipped[i].Seed.CopyTo(seed);
                Skipped.RemoveAt(i);
                return true;
            }
        }
        return false;
    }
}

using WaCluster.Protocol.Crypto;

namespace WaCluster.Signal.Groups;

/// <summary>
/// One sender key of one sender: its id, the chain position (iteration and seed), the signing key (with the private
/// half only when it is our own sending key) and the message keys skipped over for late messages.
/// </summary>
public sealed class SenderKeyState
{
    /// <summary>Skipped message keys kept per state (Baileys' limit); the oldest are dropped first.</summary>
    public const int MaxSkippedMessageKeys = 2000;

    internal const int SeedLength = 32;

    // Overwritten in place as the chain advances; Clone copies it.
    private readonly byte[] _chainSeed;
    private readonly byte[] _signingPublicKey;
    private readonly byte[]? _signingPrivateKey;
    private readonly List<SkippedMessageKey> _skipped;

    internal SenderKeyState(uint keyId, uint chainIteration, byte[] chainSeed, byte[] signingPublicKey,
        byte[]? signingPrivateKey, List<SkippedMessageKey> skipped)
    {
        KeyId = keyId;
        ChainIteration = chainIteration;
        _chainSeed = chainSeed;
        _signingPublicKey = signingPublicKey;
        _signingPrivateKey = signingPrivateKey;
        _skipped = skipped;
    }

    public uint KeyId { get; }

    /// <summary>The iteration of the next message key the chain will produce.</summary>
    public uint ChainIteration { get; private set; }

    /// <summary>Raw 32-byte Curve25519 key that verifies this sender's messages.</summary>
    public ReadOnlySpan<byte> SigningPublicKey => _signingPublicKey;

    /// <summary>True for our own sending state (it holds the private signing key).</summary>
    public bool CanSign => _signingPrivateKey is not null;

    public int SkippedMessageKeyCount => _skipped.Count;

    internal ReadOnlySpan<byte> ChainSeed => _chainSeed;

    internal ReadOnlySpan<byte> SigningPrivateKey => _signingPrivateKey;

    internal IReadOnlyList<SkippedMessageKey> SkippedMessageKeys => _skipped;

    internal bool HasSameSigningKey(ReadOnlySpan<byte> rawPublicKey) => rawPublicKey.SequenceEqual(_signingPublicKey);

    /// <summary>Index of the skipped key of <paramref name="iteration"/>, or -1 (the list is ascending).</summary>
    internal int IndexOfSkipped(uint iteration)
    {
        int low = 0, high = _skipped.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var found = _skipped[middle].Iteration;
            if (found == iteration)
            {
                return middle;
            }
            if (found < iteration)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return -1;
    }

    internal byte[] SkippedSeedAt(int index) => _skipped[index].Seed;

    internal void RemoveSkippedAt(int index) => _skipped.RemoveAt(index);

    /// <summary>Moves the chain to <paramref name="iteration"/>, first keeping the seeds of the iterations jumped over.</summary>
    internal void AdvanceChain(uint iteration, ReadOnlySpan<byte> seed, ReadOnlySpan<SkippedMessageKey> jumpedOver)
    {
        _skipped.AddRange(jumpedOver);
        var excess = _skipped.Count - MaxSkippedMessageKeys;
        if (excess > 0)
        {
            _skipped.RemoveRange(0, excess);
        }
        seed.CopyTo(_chainSeed);
        ChainIteration = iteration;
    }

    internal SenderKeyState Clone() => new(KeyId, ChainIteration, (byte[])_chainSeed.Clone(), _signingPublicKey,
        (byte[]?)_signingPrivateKey?.Clone(), [.. _skipped]);

    internal static SenderKeyState ForSending(uint keyId, uint iteration, ReadOnlySpan<byte> chainSeed, KeyPair signingKey) =>
        new(keyId, iteration, chainSeed.ToArray(), (byte[])signingKey.PublicKey.Clone(), (byte[])signingKey.PrivateKey.Clone(), []);

    internal static SenderKeyState ForReceiving(uint keyId, uint iteration, ReadOnlySpan<byte> chainSeed, ReadOnlySpan<byte> rawSigningKey) =>
        new(keyId, iteration, chainSeed.ToArray(), rawSigningKey.ToArray(), null, []);

    public override string ToString() =>
        $"SenderKeyState(id {KeyId}, iteration {ChainIteration}, {(CanSign ? "ours" : "peer's")}, {_skipped.Count} skipped)";
}

namespace WaCluster.Simulator.Accounts;

/// <summary>A trusted-contact token: what its holder attaches to messages for the issuer, and when it was issued.</summary>
internal sealed record PrivacyToken(byte[] Token, long Time);

/// <summary>The privacy tokens users issued to their contacts, one per issuer and holder. Guarded by the simulator's state lock.</summary>
internal sealed class PrivacyTokenStore
{
    private const int TokenLength = 24;
    private readonly Dictionary<(SimUser Issuer, SimUser Holder), PrivacyToken> _tokens = [];

    /// <summary>
    /// The token <paramref name="issuer"/> gives <paramref name="holder"/>: the same bytes on every re-issue (so a
    /// token the holder already has stays valid), stamped with the newest issue time.
    /// </summary>
    public PrivacyToken Issue(SimUser issuer, SimUser holder, long time, Random random)
    {
        byte[] bytes;
        if (_tokens.TryGetValue((issuer, holder), out var known))
        {
            bytes = known.Token;
            time = Math.Max(time, known.Time);
        }
        else
        {
            bytes = new byte[TokenLength];
            random.NextBytes(bytes);
        }
        var token = new PrivacyToken(bytes, time);
        _tokens[(issuer, holder)] = token;
        return token;
    }

    public PrivacyToken? Find(SimUser issuer, SimUser holder) => _tokens.GetValueOrDefault((issuer, holder));
}

namespace WaCluster.Simulator.Accounts;

/// <summary>A signed pre-key as a device publishes it: 3-byte id, raw public key, signature by the identity key.</summary>
public sealed record SignedPreKey(uint Id, byte[] PublicKey, byte[] Signature);

/// <summary>A one-time pre-key: handed out once in a bundle, then gone.</summary>
public sealed record OneTimePreKey(uint Id, byte[] PublicKey);

/// <summary>
/// The Signal key material a device has published to the server: what others fetch to open a session with it.
/// Guarded by the simulator's state lock.
/// </summary>
public sealed class PublishedKeys(uint registrationId, byte[] identityKey, SignedPreKey signedPreKey)
{
    private readonly Queue<OneTimePreKey> _oneTimeKeys = new();
    private readonly HashSet<uint> _oneTimeIds = [];

    public uint RegistrationId { get; set; } = registrationId;

    /// <summary>Raw 32-byte identity public key.</summary>
    public byte[] IdentityKey { get; set; } = identityKey;

    public SignedPreKey SignedPreKey { get; set; } = signedPreKey;

    public int OneTimeKeyCount => _oneTimeKeys.Count;

    public IEnumerable<uint> OneTimeKeyIds => _oneTimeKeys.Select(k => k.Id);

    /// <summary>Adds keys; re-uploaded ids are ignored, as the server keeps the first copy.</summary>
    public void AddOneTimeKeys(IEnumerable<OneTimePreKey> keys)
    {
        foreach (var key in keys)
        {
            if (_oneTimeIds.Add(key.Id)) _oneTimeKeys.Enqueue(key);
        }
    }

    public OneTimePreKey? TakeOneTimeKey()
    {
        if (!_oneTimeKeys.TryDequeue(out var key)) return null;
        _oneTimeIds.Remove(key.Id);
        return key;
    }
}

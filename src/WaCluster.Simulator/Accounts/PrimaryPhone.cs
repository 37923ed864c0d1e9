using WaCluster.Protocol.Crypto;

namespace WaCluster.Simulator.Accounts;

/// <summary>
/// The simulated phone (device 0) of a user: its account signing key (signs companion identities) and the Signal
/// keys others use to address it. It does not read messages yet; what reaches it is counted.
/// </summary>
public sealed class PrimaryPhone
{
    private uint _nextOneTimeKeyId = 1;

    public PrimaryPhone(uint registrationId)
    {
        // As on WhatsApp, the primary's Signal identity key is also its account (ADV) signing key.
        AccountKey = Curve25519.GenerateKeyPair();
        var signed = Curve25519.GenerateKeyPair();
        var signedPreKey = new SignedPreKey(1, signed.PublicKey, Curve25519.Sign(AccountKey.PrivateKey, signed.PrefixedPublicKey));
        Keys = new PublishedKeys(registrationId, AccountKey.PublicKey, signedPreKey);
    }

    /// <summary>The identity and account (ADV) key pair: signs companion device identities.</summary>
    public KeyPair AccountKey { get; }

    public PublishedKeys Keys { get; }

    /// <summary>Stanzas addressed to the phone; it does not decrypt them in this slice.</summary>
    public long ReceivedStanzas { get; set; }

    /// <summary>The phone is always reachable, so it never runs out of one-time keys: mint one per request.</summary>
    public OneTimePreKey MintOneTimeKey() => new(_nextOneTimeKeyId++, Curve25519.GenerateKeyPair().PublicKey);
}

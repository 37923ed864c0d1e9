using WaCluster.Protocol.Crypto;
using WaCluster.Simulator.Accounts;

namespace WaCluster.Simulator.Pairing;

/// <summary>A companion that asked to be linked by pairing code: what it sent in companion_hello and the phone's side.</summary>
internal sealed class LinkCodeSession(PendingPairing pairing, string phoneNumber, byte[] wrappedCompanionEphemeral, string reference)
{
    public PendingPairing Pairing { get; } = pairing;

    public string PhoneNumber { get; } = phoneNumber;

    /// <summary>salt(32) ‖ iv(16) ‖ AES-CTR(code key, companion ephemeral public key).</summary>
    public byte[] WrappedCompanionEphemeral { get; } = wrappedCompanionEphemeral;

    public string Reference { get; } = reference;

    /// <summary>Set once the phone entered the code.</summary>
    public SimUser? User { get; set; }

    public byte[]? CompanionEphemeral { get; set; }

    public KeyPair? PrimaryEphemeral { get; set; }
}

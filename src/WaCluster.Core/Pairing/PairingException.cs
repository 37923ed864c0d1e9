namespace WaCluster.Core.Pairing;

public enum PairingError
{
    /// <summary>The pair-success stanza lacks a required part or holds undecodable bytes.</summary>
    Malformed,
    /// <summary>The HMAC under our adv secret does not match: not made for the QR we showed.</summary>
    BadHmac,
    /// <summary>The account (phone) signature over our identity does not verify.</summary>
    BadAccountSignature,
}

/// <summary>A pair-success we refuse; the engine closes the connection and reports it.</summary>
public sealed class PairingException(PairingError error, string message, Exception? inner = null) : EngineException(message, inner)
{
    public PairingError Error { get; } = error;
}

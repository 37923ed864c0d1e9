namespace WaCluster.Signal.Messages;

/// <summary>The two kinds of 1:1 ciphertext; WhatsApp names them "msg" and "pkmsg" in the enc node's type.</summary>
public enum SignalMessageType
{
    Whisper,
    PreKey,
}

/// <summary>Result of encrypting for one peer device: the bytes to send, their kind, and the peer's registration id.</summary>
public sealed record EncryptedMessage(SignalMessageType Type, byte[] Body, uint RemoteRegistrationId)
{
    /// <summary>The enc node type attribute WhatsApp uses for this kind.</summary>
    public string WireType => Type == SignalMessageType.PreKey ? "pkmsg" : "msg";
}

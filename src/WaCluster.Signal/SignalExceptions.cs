namespace WaCluster.Signal;

/// <summary>Base of every Signal protocol failure: each subclass names what failed, so callers can react (retry receipt, re-fetch keys).</summary>
public abstract class SignalException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The message authentication code did not match: wrong session, corrupted or forged message.</summary>
public sealed class InvalidMacException(string message) : SignalException(message);

/// <summary>No session (or no sender key state) exists for the peer or for the message's key.</summary>
public sealed class NoSessionException(string message) : SignalException(message);

/// <summary>A PreKeyWhisperMessage names a one-time pre-key we do not (or no longer) have.</summary>
public sealed class InvalidPreKeyIdException(string message) : SignalException(message);

/// <summary>The message key was already used: the message was decrypted before.</summary>
public sealed class DuplicateMessageException(string message) : SignalException(message);

/// <summary>The peer's identity key differs from the one we trust for that address.</summary>
public sealed class UntrustedIdentityException(string message) : SignalException(message);

/// <summary>A signature (signed pre-key, sender key message) does not verify.</summary>
public sealed class InvalidSignatureException(string message) : SignalException(message);

/// <summary>The message counter is further ahead than the skipped-key window allows.</summary>
public sealed class MessageTooFarInFutureException(string message) : SignalException(message);

/// <summary>The bytes are not a well-formed message or record of the supported version.</summary>
public sealed class InvalidMessageException(string message, Exception? inner = null) : SignalException(message, inner);

/// <summary>A key has the wrong length or type byte.</summary>
public sealed class InvalidKeyException(string message, Exception? inner = null) : SignalException(message, inner);

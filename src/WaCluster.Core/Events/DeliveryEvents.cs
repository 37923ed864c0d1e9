using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Events;

/// <summary>
/// The server acknowledged one of our message stanzas (<c>&lt;ack class="message"&gt;</c>): <see cref="Latency"/> from
/// the stanza leaving to the ack; <see cref="Error"/> is the server's error code (e.g. 404 unknown recipient) or null.
/// </summary>
public sealed record MessageServerAck(string MessageId, TimeSpan Latency, string? Error) : EngineEvent("message.server-ack");

/// <summary>We could not decrypt <see cref="MessageId"/> and asked <see cref="Sender"/> to encrypt it again (attempt <see cref="Count"/>).</summary>
public sealed record RetryReceiptSent(string MessageId, Jid Sender, int Count) : EngineEvent("retry-receipt.sent");

/// <summary><see cref="From"/> could not decrypt our <see cref="MessageId"/> and asked for it again.</summary>
public sealed record RetryReceiptReceived(string MessageId, Jid From) : EngineEvent("retry-receipt.received");

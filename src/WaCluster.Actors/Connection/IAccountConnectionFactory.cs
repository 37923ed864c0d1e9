using Akka.Actor;
using Google.Protobuf;

namespace WaCluster.Actors.Connection;

/// <summary>
/// The seam where the account engine plugs in: it builds the account's connection child (socket, Noise, engine).
/// The child talks to its account only through the Link* contract messages: it asks the account to persist state
/// (LinkStateChanged, with the messages it decrypted) and acts towards the server only after the account confirms.
/// It never owns persisted state, so restarting it after a socket failure loses nothing.
/// </summary>
public interface IAccountConnectionFactory
{
    /// <summary>Props of the connection child, or null when this node runs no engine for the account.</summary>
    Props? CreateConnectionProps(AccountConnectionContext context);
}

/// <summary>What a new connection child starts from: the account's recovered durable state.</summary>
public sealed class AccountConnectionContext(
    string accountId,
    IActorRef account,
    ByteString? creds,
    IReadOnlyList<ByteString> signalChanges,
    IReadOnlyList<string>? receivedKeys = null,
    long incarnation = 0,
    IReadOnlyList<ByteString>? dataChanges = null)
{
    public string AccountId { get; } = accountId;

    /// <summary>The account actor (the child's parent is a backoff supervisor, not the account).</summary>
    public IActorRef Account { get; } = account;

    /// <summary>Engine creds, secret: never logged.</summary>
    public ByteString? Creds { get; } = creds;

    public IReadOnlyList<ByteString> SignalChanges { get; } = signalChanges;

    /// <summary>The account data changes in journal order (the PN-LID map and the like).</summary>
    public IReadOnlyList<ByteString> DataChanges { get; } = dataChanges ?? [];

    /// <summary>
    /// The account's journal sequence number when this connection was opened: the fencing token of the connection (the
    /// account accepts state changes only from its current connection).
    /// </summary>
    public long Incarnation { get; } = incarnation;

    /// <summary>The engine's dedupe window as journaled, oldest first.</summary>
    public IReadOnlyList<string> ReceivedKeys { get; } = receivedKeys ?? [];

    public override string ToString() => $"AccountConnectionContext({AccountId}, creds {(Creds is null ? "none" : "present")})";
}

/// <summary>A node without an engine: accounts keep their state and outbox but do not connect.</summary>
public sealed class NoEngineConnectionFactory : IAccountConnectionFactory
{
    public static readonly NoEngineConnectionFactory Instance = new();

    public Props? CreateConnectionProps(AccountConnectionContext context) => null;
}

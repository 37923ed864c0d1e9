using System.Collections.Concurrent;
using Akka.Actor;
using Google.Protobuf;
using WaCluster.Actors.Accounts;
using WaCluster.Actors.Connection;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cluster.Tests.Support;

/// <summary>
/// Test side of the engine seam: a connection child that reports itself connected, forwards whatever the account
/// tells it to a probe, and sends the account what the test hands it (<see cref="ToAccount"/>), so a test plays the
/// engine (and the server behind it) from the account's current connection, the only one the account hears.
/// </summary>
internal sealed class ProbeConnectionFactory(IActorRef probe) : IAccountConnectionFactory
{
    private readonly ConcurrentDictionary<string, IActorRef> _current = new(StringComparer.Ordinal);

    public Props CreateConnectionProps(AccountConnectionContext context) =>
        Props.Create(() => new ForwardingConnection(context, probe, _current));

    /// <summary>The live connection of <paramref name="accountId"/>, or null while the account has none.</summary>
    public IActorRef? ConnectionOf(string accountId) => _current.GetValueOrDefault(accountId);

    private sealed class ForwardingConnection : ReceiveActor
    {
        private readonly string _accountId;
        private readonly ConcurrentDictionary<string, IActorRef> _current;

        public ForwardingConnection(AccountConnectionContext context, IActorRef probe, ConcurrentDictionary<string, IActorRef> current)
        {
            _accountId = context.AccountId;
            _current = current;
            current[_accountId] = Self;
            context.Account.Tell(new LinkConnectionChanged { Connected = true });
            Receive<ToAccount>(toAccount => context.Account.Tell(toAccount.Message));
            ReceiveAny(message => probe.Forward(message));
        }

        protected override void PostStop() => _current.TryRemove(new KeyValuePair<string, IActorRef>(_accountId, Self));
    }
}

/// <summary>What a test has the account's connection send to the account, as its engine would. Never leaves the process.</summary>
internal sealed record ToAccount(IAccountLinkMessage Message) : INoSerializationVerificationNeeded;

/// <summary>
/// A connection child that records on which node it started and, on the account's first connection, asks it to
/// persist creds (as the engine does after pairing). Used to see remembered accounts come back without a message.
/// </summary>
internal sealed class RecordingConnectionFactory(string node, ConcurrentDictionary<string, ConcurrentQueue<string>> starts)
    : IAccountConnectionFactory
{
    public static ByteString CredsFor(string accountId) => ByteString.CopyFromUtf8("creds-of-" + accountId);

    public Props CreateConnectionProps(AccountConnectionContext context)
    {
        starts.GetOrAdd(context.AccountId, _ => new ConcurrentQueue<string>()).Enqueue(node);
        var firstConnection = context.Creds is null;
        return Props.Create(() => new RecordingConnection(context.AccountId, context.Account, firstConnection));
    }

    private sealed class RecordingConnection : ReceiveActor
    {
        public RecordingConnection(string accountId, IActorRef account, bool firstConnection)
        {
            if (firstConnection)
            {
                account.Tell(new LinkStateChanged { Token = 1, Cause = "paired", HasCreds = true, Creds = CredsFor(accountId) });
            }
            Receive<LinkStatePersisted>(_ => { });
            ReceiveAny(_ => { });
        }
    }
}

/// <summary>Hands published account events to a probe.</summary>
internal sealed class ProbePublisher(IActorRef probe) : IAccountEventPublisher
{
    public void Publish(IAccountEvent accountEvent) => probe.Tell(accountEvent);
}

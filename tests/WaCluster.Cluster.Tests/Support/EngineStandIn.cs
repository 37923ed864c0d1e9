using System.Collections.Concurrent;
using Akka.Actor;
using Google.Protobuf;
using WaCluster.Actors.Accounts;
using WaCluster.Actors.Connection;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cluster.Tests.Support;

/// <summary>
/// Test side of the engine seam: a connection child that reports itself connected and forwards whatever the account
/// tells it to a probe, so a test can play the engine (and the server behind it).
/// </summary>
internal sealed class ProbeConnectionFactory(IActorRef probe) : IAccountConnectionFactory
{
    public Props CreateConnectionProps(AccountConnectionContext context) =>
        Props.Create(() => new ForwardingConnection(context.Account, probe));

    private sealed class ForwardingConnection : ReceiveActor
    {
        public ForwardingConnection(IActorRef account, IActorRef probe)
        {
            account.Tell(new LinkConnectionChanged { Connected = true });
            ReceiveAny(message => probe.Forward(message));
        }
    }
}

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

using System.Collections.Concurrent;
using Akka.Actor;
using Google.Protobuf;
using WaCluster.Actors.Accounts;
using WaCluster.Actors.Connection;
using WaCluster.Cluster.Tests.Support;
using WaCluster.Contracts.Proto;
using Xunit.Abstractions;

namespace WaCluster.Cluster.Tests.Accounts;

/// <summary>
/// One engine writes at a time: once the account has replaced a connection, whatever the older one still sends
/// (state changes, messages, connection news) is ignored; the current one is heard. Each connection carries the
/// journal sequence it started from.
/// </summary>
[Trait("Proof", "cluster-fencing")]
public sealed class ConnectionFencingTests(ITestOutputHelper output) : AccountActorFixture(output)
{
    [Fact]
    public async Task Messages_from_a_replaced_connection_are_ignored_and_the_current_one_is_heard()
    {
        const string id = "fenced";
        var children = new ConcurrentQueue<(IActorRef Child, long Incarnation)>();
        var account = Sys.ActorOf(AccountActor.Props(id, new AccountActorSettings(), new ChildRecordingFactory(children), new ProbePublisher(Events.Ref)));
        account.Tell(new StartAccount { AccountId = id });
        await ExpectMsgAsync<CommandAccepted>();
        await AwaitConditionAsync(() => Task.FromResult(children.Count == 1));

        account.Tell(new DisconnectAccount { AccountId = id });
        await ExpectMsgAsync<CommandAccepted>();
        account.Tell(new ConnectAccount { AccountId = id });
        await ExpectMsgAsync<CommandAccepted>();
        await AwaitConditionAsync(() => Task.FromResult(children.Count == 2));
        var (older, olderIncarnation) = children.First();
        var (current, currentIncarnation) = children.Last();
        Assert.True(currentIncarnation > olderIncarnation);
        var before = await Status(account, id);

        // The older engine's last words arrive after it was replaced.
        account.Tell(new LinkStateChanged { Token = 1, HasCreds = true, Creds = ByteString.CopyFromUtf8("stale") }, older);
        account.Tell(Inbound("late-1", "late"), older);
        account.Tell(new LinkConnectionChanged { Connected = false, Detail = "old socket closed" }, older);
        await Task.Delay(300);
        var after = await Status(account, id);
        Assert.Equal(before.LastSequenceNr, after.LastSequenceNr);
        Assert.False(after.HasCreds);
        Assert.Equal(before.Connection, after.Connection);
        Assert.DoesNotContain(Events.ReceiveWhile<object>(TimeSpan.FromMilliseconds(200), message => message), message => message is TextReceived);

        account.Tell(new LinkStateChanged { Token = 2, HasCreds = true, Creds = ByteString.CopyFromUtf8("current") }, current);
        await AwaitAssertAsync(async () => Assert.True((await Status(account, id)).HasCreds));
        Assert.Equal(before.LastSequenceNr + 1, (await Status(account, id)).LastSequenceNr);
    }

    private sealed class ChildRecordingFactory(ConcurrentQueue<(IActorRef, long)> children) : IAccountConnectionFactory
    {
        public Props CreateConnectionProps(AccountConnectionContext context) =>
            Props.Create(() => new RecordedChild(context, children));
    }

    private sealed class RecordedChild : ReceiveActor
    {
        public RecordedChild(AccountConnectionContext context, ConcurrentQueue<(IActorRef, long)> children)
        {
            children.Enqueue((Self, context.Incarnation));
            context.Account.Tell(new LinkConnectionChanged { Connected = true });
            ReceiveAny(_ => { });
        }
    }
}

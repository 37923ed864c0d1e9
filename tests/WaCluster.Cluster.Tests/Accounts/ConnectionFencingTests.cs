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
/// (state changes, messages, connection news, server acks) is ignored; the current one is heard. Each connection
/// carries the journal sequence it started from. Negatives are proven by order: the account handles its mailbox in
/// sequence, so what it does with a later message shows what it did with the earlier ones.
/// </summary>
[Trait("Proof", "cluster-fencing")]
public sealed class ConnectionFencingTests(ITestOutputHelper output) : AccountActorFixture(output)
{
    [Fact]
    public async Task Messages_from_a_replaced_connection_are_ignored_and_the_current_one_is_heard()
    {
        const string id = "fenced";
        var (account, older, current) = await ReplacedConnection(id);
        var before = await Status(account, id);

        // The older engine's last words arrive after it was replaced; the status asked after them shows none was taken.
        var stale = Decrypted(1, "stale-ratchet", Received(id, "late-1", "late"));
        (stale.HasCreds, stale.Creds) = (true, ByteString.CopyFromUtf8("stale"));
        account.Tell(stale, older);
        account.Tell(new LinkConnectionChanged { Connected = false, Detail = "old socket closed" }, older);
        var after = await Status(account, id);
        Assert.Equal(before.LastSequenceNr, after.LastSequenceNr);
        Assert.False(after.HasCreds);
        Assert.Equal(before.Connection, after.Connection);

        var heard = Decrypted(2, "", Received(id, "current-1", "now"));
        (heard.HasCreds, heard.Creds) = (true, ByteString.CopyFromUtf8("current"));
        account.Tell(heard, current);
        // The first message published is the current connection's: the older one's was never published.
        Assert.Equal("current-1", ((MessageReceived)await Events.FishForMessageAsync(message => message is MessageReceived)).MessageId);
        var heardStatus = await Status(account, id);
        Assert.True(heardStatus.HasCreds);
        // Its creds and its message.
        Assert.Equal(before.LastSequenceNr + 2, heardStatus.LastSequenceNr);
    }

    [Fact]
    public async Task Only_the_current_connection_completes_a_pending_send()
    {
        const string id = "fenced-acks";
        var (account, older, current) = await ReplacedConnection(id);
        foreach (var messageId in new[] { "out-1", "out-2" })
        {
            account.Tell(new SendText { AccountId = id, MessageId = messageId, ToJid = "1@s.whatsapp.net", Text = messageId });
            await ExpectMsgAsync<CommandAccepted>(accepted => accepted.ReferenceId == messageId);
        }

        // Verdicts on out-1 from outside the account and from the replaced connection...
        account.Tell(new LinkServerAck { MessageId = "out-1" }, TestActor);
        account.Tell(new LinkSendRejected { MessageId = "out-1", ErrorCode = 479 }, Events.Ref);
        account.Tell(new LinkServerAck { MessageId = "out-1" }, older);
        account.Tell(new LinkSendRejected { MessageId = "out-1", ErrorCode = 479 }, older);
        // ...then the current connection's on out-2: its completion is the first one published, out-1 is still pending.
        account.Tell(new LinkSendRejected { MessageId = "out-2", ErrorCode = 479 }, current);
        var first = (SendCompleted)await Events.FishForMessageAsync(message => message is SendCompleted);
        Assert.Equal(("out-2", 479), (first.MessageId, first.ErrorCode));
        Assert.Equal(1, (await Status(account, id)).PendingSends);

        account.Tell(new LinkServerAck { MessageId = "out-1" }, current);
        var second = (SendCompleted)await Events.FishForMessageAsync(message => message is SendCompleted);
        Assert.Equal(("out-1", 0), (second.MessageId, second.ErrorCode));
        Assert.Equal(0, (await Status(account, id)).PendingSends);
    }

    /// <summary>An account that connected, was disconnected and connected again: its older and its current connection.</summary>
    private async Task<(IActorRef Account, IActorRef Older, IActorRef Current)> ReplacedConnection(string id)
    {
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
        // The current connection reported itself up: sends leave now, and a verdict can follow them.
        await Events.FishForMessageAsync(message => message is ConnectionChanged { Connection: ConnectionState.Connected });
        await Events.FishForMessageAsync(message => message is ConnectionChanged { Connection: ConnectionState.Connected });
        return (account, older, current);
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

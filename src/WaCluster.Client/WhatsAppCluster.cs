using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;

namespace WaCluster.Client;

/// <summary><see cref="IWhatsAppCluster"/> over the account shard region (or proxy) and DistributedPubSub.</summary>
public sealed class WhatsAppCluster(ActorSystem system, IActorRef accounts, TimeSpan? askTimeout = null) : IWhatsAppCluster
{
    private static readonly TimeSpan MediaAskTimeout = TimeSpan.FromMinutes(10);

    private readonly TimeSpan _askTimeout = askTimeout ?? TimeSpan.FromSeconds(10);

    public Task StartAccountAsync(string accountId, CancellationToken cancellationToken = default) =>
        CommandAsync(new StartAccount { AccountId = accountId }, cancellationToken);

    public Task SendTextAsync(string accountId, string messageId, string toJid, string text, CancellationToken cancellationToken = default) =>
        CommandAsync(new SendText { AccountId = accountId, MessageId = messageId, ToJid = toJid, Text = text }, cancellationToken);

    // A media send answers once the engine uploaded the file, which may take far longer than a command.
    public async Task SendMessageAsync(SendMessage message, CancellationToken cancellationToken = default) =>
        Expect<CommandAccepted>(await accounts.Ask<IAccountReply>(message,
            message.ContentCase == SendMessage.ContentOneofCase.Media ? MediaAskTimeout : _askTimeout, cancellationToken));

    public Task SendReplyAsync(string accountId, string messageId, string toJid, string text, MessageRef quoted, string quotedText = "",
        CancellationToken cancellationToken = default) =>
        SendMessageAsync(new SendMessage
        {
            AccountId = accountId, MessageId = messageId, ToJid = toJid,
            Reply = new ReplyContent { Text = text, Quoted = quoted, QuotedText = quotedText },
        }, cancellationToken);

    public Task SendReactionAsync(string accountId, string messageId, string toJid, MessageRef target, string emoji, CancellationToken cancellationToken = default) =>
        SendMessageAsync(new SendMessage
        {
            AccountId = accountId, MessageId = messageId, ToJid = toJid, Reaction = new ReactionContent { Target = target, Emoji = emoji },
        }, cancellationToken);

    public Task EditMessageAsync(string accountId, string messageId, string toJid, MessageRef target, string newText, CancellationToken cancellationToken = default) =>
        SendMessageAsync(new SendMessage
        {
            AccountId = accountId, MessageId = messageId, ToJid = toJid, Edit = new EditContent { Target = target, Text = newText },
        }, cancellationToken);

    public Task RevokeMessageAsync(string accountId, string messageId, string toJid, MessageRef target, CancellationToken cancellationToken = default) =>
        SendMessageAsync(new SendMessage { AccountId = accountId, MessageId = messageId, ToJid = toJid, Revoke = target }, cancellationToken);

    public Task SendMediaAsync(string accountId, string messageId, string toJid, MediaContent media, CancellationToken cancellationToken = default) =>
        SendMessageAsync(new SendMessage { AccountId = accountId, MessageId = messageId, ToJid = toJid, Media = media }, cancellationToken);

    public async Task<string> RequestPairingCodeAsync(string accountId, string phoneNumber, CancellationToken cancellationToken = default) =>
        Expect<PairingCodeIssued>(await AskAsync(new RequestPairingCode { AccountId = accountId, PhoneNumber = phoneNumber }, cancellationToken)).Code;

    public Task MarkReadAsync(string accountId, string chatJid, string senderJid, IEnumerable<string> messageIds, CancellationToken cancellationToken = default) =>
        CommandAsync(new MarkRead { AccountId = accountId, ChatJid = chatJid, SenderJid = senderJid, MessageIds = { messageIds } }, cancellationToken);

    public Task SendPresenceAsync(string accountId, PresenceKind kind, string toJid, string? pushName = null, CancellationToken cancellationToken = default) =>
        CommandAsync(new SendPresence { AccountId = accountId, Kind = kind, ToJid = toJid, PushName = pushName ?? "" }, cancellationToken);

    public async Task<GroupOperationResult> GroupOperationAsync(GroupOperation operation, CancellationToken cancellationToken = default) =>
        Expect<GroupOperationResult>(await AskAsync(operation, cancellationToken));

    public Task LogOutAsync(string accountId, CancellationToken cancellationToken = default) =>
        CommandAsync(new LogOut { AccountId = accountId }, cancellationToken);

    public Task DisconnectAccountAsync(string accountId, CancellationToken cancellationToken = default) =>
        CommandAsync(new DisconnectAccount { AccountId = accountId }, cancellationToken);

    public Task ConnectAccountAsync(string accountId, CancellationToken cancellationToken = default) =>
        CommandAsync(new ConnectAccount { AccountId = accountId }, cancellationToken);

    public async Task<AccountStatus> GetStatusAsync(string accountId, CancellationToken cancellationToken = default) =>
        Expect<AccountStatus>(await AskAsync(new GetAccountStatus { AccountId = accountId }, cancellationToken));

    public IDisposable Subscribe(string? accountId, Action<IAccountEvent> handler)
    {
        var topic = accountId is null ? Topics.AllAccounts : Topics.ForAccount(accountId);
        var subscriber = system.ActorOf(Props.Create(() => new EventSubscriber(topic, handler)));
        return new Subscription(subscriber);
    }

    private async Task CommandAsync(IAccountCommand command, CancellationToken cancellationToken) =>
        Expect<CommandAccepted>(await AskAsync(command, cancellationToken));

    private Task<IAccountReply> AskAsync(IAccountCommand command, CancellationToken cancellationToken) =>
        accounts.Ask<IAccountReply>(command, _askTimeout, cancellationToken);

    private static T Expect<T>(IAccountReply reply) where T : IAccountReply => reply switch
    {
        T expected => expected,
        CommandRejected rejected => throw new AccountCommandRejectedException(rejected),
        _ => throw new InvalidOperationException($"Unexpected reply {reply.GetType().Name}"),
    };

    private sealed class Subscription(IActorRef subscriber) : IDisposable
    {
        public void Dispose() => subscriber.Tell(PoisonPill.Instance);
    }

    /// <summary>Holds one DistributedPubSub subscription and hands its events to a callback.</summary>
    private sealed class EventSubscriber : ReceiveActor
    {
        public EventSubscriber(string topic, Action<IAccountEvent> handler)
        {
            DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(topic, Self));
            Receive<SubscribeAck>(_ => { });
            Receive<IAccountEvent>(handler);
        }
    }
}

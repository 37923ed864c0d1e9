using WaCluster.Contracts;

// Gives the generated protobuf classes their roles; the generated code is partial for exactly this.
namespace WaCluster.Contracts.Proto;

public sealed partial class StartAccount : IAccountCommand;
public sealed partial class RequestPairingCode : IAccountCommand;
public sealed partial class SendText : IAccountCommand;
public sealed partial class SendMessage : IAccountCommand;
public sealed partial class MarkRead : IAccountCommand;
public sealed partial class SendPresence : IAccountCommand;
public sealed partial class GroupOperation : IAccountCommand;
public sealed partial class LogOut : IAccountCommand;
public sealed partial class GetAccountStatus : IAccountCommand;
public sealed partial class DisconnectAccount : IAccountCommand;
public sealed partial class ConnectAccount : IAccountCommand;

public sealed partial class CommandAccepted : IAccountReply;
public sealed partial class CommandRejected : IAccountReply;
public sealed partial class AccountStatus : IAccountReply;
public sealed partial class GroupOperationResult : IAccountReply;

public sealed partial class SendCompleted : IAccountEvent;
public sealed partial class ConnectionChanged : IAccountEvent;
// Both the reply to RequestPairingCode and the event its subscribers see.
public sealed partial class PairingCodeIssued : IAccountEvent, IAccountReply;
public sealed partial class QrCodeIssued : IAccountEvent;
public sealed partial class MessageReceived : IAccountEvent;
public sealed partial class MessageStatusChanged : IAccountEvent;
public sealed partial class GroupChanged : IAccountEvent;
public sealed partial class GroupJoined : IAccountEvent;
public sealed partial class PresenceChanged : IAccountEvent;
public sealed partial class ContactsChanged : IAccountEvent;
public sealed partial class HistoryChunkSynced : IAccountEvent;
public sealed partial class LidMappingUpdated : IAccountEvent;

public sealed partial class LinkStateChanged : IAccountLinkMessage;
public sealed partial class LinkStatePersisted : IAccountLinkMessage;
public sealed partial class LinkSend : IAccountLinkMessage;
public sealed partial class LinkServerAck : IAccountLinkMessage;
public sealed partial class LinkSendRejected : IAccountLinkMessage;
public sealed partial class LinkConnectionChanged : IAccountLinkMessage;
public sealed partial class LinkQrIssued : IAccountLinkMessage;
public sealed partial class SendIntent : IWaClusterMessage;

public sealed partial class CredsStored : IAccountJournalEvent;
public sealed partial class SignalStateStored : IAccountJournalEvent;
public sealed partial class AccountDataStored : IAccountJournalEvent;
public sealed partial class SendIntentStored : IAccountJournalEvent;
public sealed partial class SendIntentCompleted : IAccountJournalEvent;
public sealed partial class InboundStored : IAccountJournalEvent;
public sealed partial class AccountStarted : IAccountJournalEvent;
public sealed partial class AccountLoggedOut : IAccountJournalEvent;
public sealed partial class AccountDisconnected : IAccountJournalEvent;
public sealed partial class AccountSnapshot : IAccountJournalEvent;

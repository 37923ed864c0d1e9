namespace WaCluster.Contracts;

/// <summary>
/// Every message that may cross nodes or reach the journal. Bound to <see cref="Serialization.WaClusterSerializer"/>,
/// so none of them ever falls back to a JSON or Hyperion serializer.
/// </summary>
public interface IWaClusterMessage;

/// <summary>Routes a message to the account entity that owns <see cref="AccountId"/>.</summary>
public interface IWithAccountId
{
    string AccountId { get; }
}

/// <summary>A command for one account, answered with a reply.</summary>
public interface IAccountCommand : IWaClusterMessage, IWithAccountId;

/// <summary>An event an account publishes to its subscribers.</summary>
public interface IAccountEvent : IWaClusterMessage, IWithAccountId;

/// <summary>A reply to an <see cref="IAccountCommand"/>.</summary>
public interface IAccountReply : IWaClusterMessage, IWithAccountId;

/// <summary>An event in an account's journal, or its snapshot.</summary>
public interface IAccountJournalEvent : IWaClusterMessage;

/// <summary>A message between the account actor and its connection child (one node, still serialized when checked).</summary>
public interface IAccountLinkMessage : IWaClusterMessage;

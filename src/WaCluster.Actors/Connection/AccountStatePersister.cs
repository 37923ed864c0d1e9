using Akka.Actor;
using Google.Protobuf;
using WaCluster.Contracts.Proto;
using WaCluster.Engine.State;

namespace WaCluster.Actors.Connection;

/// <summary>
/// The engine's persister inside the cluster: each state change becomes one LinkStateChanged that the account actor
/// journals (creds, Signal change, account data and the messages it decrypted, in one atomic write); the engine goes on (and
/// acks the server) only once the account confirms the write.
/// </summary>
internal sealed class AccountStatePersister(string accountId, IActorRef account, TimeSpan timeout) : IEngineStatePersister
{
    private long _lastToken;

    public async ValueTask PersistAsync(EngineStateChange change, CancellationToken cancellationToken)
    {
        var token = Interlocked.Increment(ref _lastToken);
        var message = new LinkStateChanged { Token = token, Cause = change.Cause };
        if (change.Creds is { } creds)
        {
            message.HasCreds = true;
            message.Creds = ByteString.CopyFrom(creds.ToByteArray());
        }
        if (change.Keys is { IsEmpty: false } keys)
        {
            message.SignalChange = ByteString.CopyFrom(keys.ToByteArray());
        }
        if (change.Data is { IsEmpty: false } data)
        {
            message.DataChange = ByteString.CopyFrom(data.ToByteArray());
        }
        foreach (var received in change.ReceivedMessages ?? [])
        {
            message.ReceivedKeys.Add(ReceivedMessageWindow.KeyOf(received));
            // Handled by the engine, never a chat message: remembered against redelivery, not journaled for subscribers.
            if (!received.IsBetweenOwnDevices) message.Received.Add(InboundMessages.Describe(accountId, received));
        }
        var confirmed = await account.Ask<LinkStatePersisted>(message, timeout, cancellationToken).ConfigureAwait(false);
        if (confirmed.Token != token)
        {
            throw new InvalidOperationException($"The account confirmed state write {confirmed.Token}, expected {token}");
        }
    }
}

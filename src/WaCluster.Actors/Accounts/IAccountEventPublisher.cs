using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using WaCluster.Contracts;

namespace WaCluster.Actors.Accounts;

/// <summary>Where an account's events go once they are persisted.</summary>
public interface IAccountEventPublisher
{
    void Publish(IAccountEvent accountEvent);
}

/// <summary>Publishes on DistributedPubSub: the account's own topic and the all-accounts topic.</summary>
public sealed class PubSubEventPublisher(IActorRef mediator) : IAccountEventPublisher
{
    public void Publish(IAccountEvent accountEvent)
    {
        mediator.Tell(new Publish(Topics.ForAccount(accountEvent.AccountId), accountEvent));
        mediator.Tell(new Publish(Topics.AllAccounts, accountEvent));
    }
}

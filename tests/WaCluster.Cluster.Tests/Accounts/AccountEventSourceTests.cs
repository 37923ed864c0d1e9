using Akka.Actor;
using Xunit.Abstractions;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cluster.Tests.Accounts;

/// <summary>Subscribers trust an account's events: only the account's own connection may have it publish one.</summary>
[Trait("Proof", "cluster-fencing")]
public sealed class AccountEventSourceTests(ITestOutputHelper output) : AccountActorFixture(output)
{
    [Fact]
    public async Task An_event_sent_to_the_account_from_outside_is_not_published_but_its_connections_is()
    {
        const string id = "acct-event-source";
        var account = await StartedAccount(id);
        await Events.FishForMessageAsync<ConnectionChanged>(changed => changed.Connection == ConnectionState.Connected);
        var connection = await Sys.ActorSelection(account.Path + "/connection-*/socket").ResolveOne(TimeSpan.FromSeconds(5));

        account.Tell(new PairingCodeIssued { AccountId = id, Code = "FORGED01" }, TestActor);
        account.Tell(new PairingCodeIssued { AccountId = id, Code = "REAL0001" }, connection);

        // Both arrive in this order: had the forged one been published, it would be the first code seen.
        var published = await Events.FishForMessageAsync<PairingCodeIssued>(_ => true);
        Assert.Equal("REAL0001", published.Code);
    }
}

using WaCluster.Contracts.Proto;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Commands;

/// <summary>
/// DisconnectAccount closes the socket for good: the simulator holds the device offline, messages wait in its queue,
/// and a node restart does not reconnect the account; ConnectAccount does, and the queued message arrives once.
/// </summary>
[Trait("Proof", "cluster-engine")]
public sealed class DisconnectTests(CommandsCluster cluster) : IClassFixture<CommandsCluster>
{
    private WaCluster.Simulator.SimulatorCounters Counters => cluster.Simulator.Simulator.Counters;

    [Fact]
    public async Task A_disconnected_account_stays_offline_across_a_restart_until_connected_again()
    {
        var account = await cluster.PairAsync("quiet", "15550003041");
        var sender = cluster.Simulator.Simulator.CreateUser("15550003049");

        var open = Counters.ConnectionsOpen;

        await cluster.Accounts.DisconnectAccountAsync("quiet");
        await cluster.Events.NextAsync<ConnectionChanged>("quiet", c => c.Connection == ConnectionState.Disconnected);
        Assert.Equal(ConnectionState.Disconnected, (await cluster.Accounts.GetStatusAsync("quiet")).Connection);
        await WaitForOpenConnectionsAsync(open - 1);
        await cluster.Simulator.Simulator.PhoneSendTextAsync(sender.Phone, account.Jid, "while away");
        Assert.Equal(1, cluster.Simulator.Simulator.PendingCounts()[account.DeviceJid!]);

        var logins = Counters.Logins;
        await cluster.RestartNodeAsync();
        var status = await cluster.Accounts.GetStatusAsync("quiet");
        Assert.Equal((ConnectionState.Disconnected, true), (status.Connection, status.HasCreds));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.DoesNotContain(cluster.Events.All.OfType<ConnectionChanged>(), c => c.AccountId == "quiet" && c.Connection != ConnectionState.Disconnected);
        Assert.Equal((logins, open - 1), (Counters.Logins, Counters.ConnectionsOpen));
        Assert.Equal(1, cluster.Simulator.Simulator.PendingCounts()[account.DeviceJid!]);

        await cluster.Accounts.ConnectAccountAsync("quiet");
        await cluster.Events.NextAsync<ConnectionChanged>("quiet", c => c.Connection == ConnectionState.Connected);
        Assert.Equal("while away", (await cluster.Events.NextAsync<MessageReceived>("quiet")).Text);
        Assert.Empty(cluster.Events.All.OfType<QrCodeIssued>());
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(cluster.Events.All.OfType<MessageReceived>(), m => m.AccountId == "quiet");
    }

    // The socket closes asynchronously after the reply: wait until the simulator has one connection less.
    private Task WaitForOpenConnectionsAsync(long count) =>
        Eventually.UntilAsync(() => Counters.ConnectionsOpen == count, TimeSpan.FromSeconds(10),
            () => $"{count} open connections in the simulator (has {Counters.ConnectionsOpen})");
}

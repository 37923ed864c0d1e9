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
        // The phone's app state key share, sent at pairing, is settled first: only "while away" is left waiting below.
        await Eventually.UntilAsync(() => cluster.Simulator.Simulator.PendingCounts().GetValueOrDefault(account.DeviceJid!) == 0,
            CommandsCluster.Slow, "the key share acked");

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
        var beforeConnect = QuietConnectionChanges();
        Assert.DoesNotContain(beforeConnect, c => c.Connection != ConnectionState.Disconnected);
        Assert.Equal((logins, open - 1), (Counters.Logins, Counters.ConnectionsOpen));
        Assert.Equal(1, cluster.Simulator.Simulator.PendingCounts()[account.DeviceJid!]);

        // The later ConnectAccount proves the restart connected nothing: its connection is the only one since the
        // restart (one login; waiting for a slot, connecting, connected once each), and nothing came before it.
        await cluster.Accounts.ConnectAccountAsync("quiet");
        await cluster.Events.NextAsync<ConnectionChanged>("quiet", c => c.Connection == ConnectionState.Connected);
        Assert.Equal(logins + 1, Counters.Logins);
        Assert.Equal([ConnectionState.WaitingForSlot, ConnectionState.Connecting, ConnectionState.Connected],
            QuietConnectionChanges().Skip(beforeConnect.Count).Select(c => c.Connection).Where(c => c != ConnectionState.Disconnected));
        Assert.Equal("while away", (await cluster.Events.NextAsync<MessageReceived>("quiet")).Text);
        Assert.Empty(cluster.Events.All.OfType<QrCodeIssued>());
        // A message sent after it comes after any second copy of it: once that one is in, "while away" arrived once.
        await cluster.Simulator.Simulator.PhoneSendTextAsync(sender.Phone, account.Jid, "after the reconnect");
        Assert.Equal("after the reconnect", (await cluster.Events.NextAsync<MessageReceived>("quiet", m => m.Text == "after the reconnect")).Text);
        Assert.Single(cluster.Events.All.OfType<MessageReceived>(), m => m.AccountId == "quiet" && m.Text == "while away");
        Assert.Equal(2, cluster.Events.All.OfType<MessageReceived>().Count(m => m.AccountId == "quiet"));
    }

    private List<ConnectionChanged> QuietConnectionChanges() =>
        [.. cluster.Events.All.OfType<ConnectionChanged>().Where(c => c.AccountId == "quiet")];

    // The socket closes asynchronously after the reply: wait until the simulator has one connection less.
    private Task WaitForOpenConnectionsAsync(long count) =>
        Eventually.UntilAsync(() => Counters.ConnectionsOpen == count, TimeSpan.FromSeconds(10),
            () => $"{count} open connections in the simulator (has {Counters.ConnectionsOpen})");
}

using Google.Protobuf;
using WaCluster.Cli;
using WaCluster.Contracts.Management;
using WaCluster.Contracts.Proto;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Cli;

/// <summary>
/// The account commands that need a live engine (pair-code, disconnect, connect), in table and JSON form, against a
/// node whose accounts connect to the simulator: the simulator is the judge of what happened.
/// </summary>
[Trait("Proof", "cli")]
public sealed class CliAccountCommandTests(SimulatorManagedNode node) : IClassFixture<SimulatorManagedNode>
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(false, "15550004001")]
    [InlineData(true, "15550004002")]
    public async Task Pair_code_prints_the_code_that_links_the_account_on_the_phone(bool json, string phone)
    {
        var id = "cli-pair-" + json;
        await Succeeds("accounts", "connect", id);

        var run = await Succeeds(json ? ["--json", "accounts", "pair-code", id, phone] : ["accounts", "pair-code", id, phone]);
        var code = json ? Parser.Parse<PairingCodeIssued>(run.Output) is var issued && issued.AccountId == id ? issued.Code : null : run.Output.Trim();
        Assert.NotNull(code);

        var linked = await node.Simulator.EnterPairingCodeAsync(phone, code).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(phone, linked.Phone);
        await WaitForConnectionAsync(id, ConnectionState.Connected);

        // Paired now: another code is refused by the account.
        var again = await node.RunAsync("accounts", "pair-code", id, phone);
        Assert.Equal(ExitCodes.Rejected, again.ExitCode);
        Assert.Contains("already paired", again.Error);
    }

    [Fact]
    public async Task Pair_code_errors_have_their_own_exit_codes()
    {
        Assert.Equal(ExitCodes.NotFound, (await node.RunAsync("accounts", "pair-code", "cli-nobody", "15550004009")).ExitCode);
        await Succeeds("accounts", "connect", "cli-pair-bad");
        var bad = await node.RunAsync("accounts", "pair-code", "cli-pair-bad", "+1 555");
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("digits only", bad.Error);
    }

    [Fact]
    public async Task Disconnect_takes_the_account_offline_until_connect_in_both_forms()
    {
        const string id = "cli-quiet";
        const string phone = "15550004011";
        await Succeeds("accounts", "connect", id);
        var code = (await Succeeds("accounts", "pair-code", id, phone)).Output.Trim();
        await node.Simulator.EnterPairingCodeAsync(phone, code).WaitAsync(TimeSpan.FromSeconds(60));
        await WaitForConnectionAsync(id, ConnectionState.Connected);
        var open = node.Simulator.Counters.ConnectionsOpen;

        Assert.Contains("disconnected", (await Succeeds("accounts", "disconnect", id)).Output);
        await WaitForConnectionAsync(id, ConnectionState.Disconnected);
        await Eventually.UntilAsync(() => node.Simulator.Counters.ConnectionsOpen == open - 1, Slow, "the simulator releasing the socket");
        var table = await Succeeds("accounts", "status", id);
        Assert.Contains(table.Output.Split('\n'), line => line.StartsWith("connection ", StringComparison.Ordinal) && line.Contains("Disconnected"));

        var logins = node.Simulator.Counters.Logins;
        Assert.Contains(id, (await Succeeds("accounts", "connect", id)).Output);
        await WaitForConnectionAsync(id, ConnectionState.Connected);
        Assert.Equal(logins + 1, node.Simulator.Counters.Logins);

        var result = Parser.Parse<ManagementResult>((await Succeeds("--json", "accounts", "disconnect", id)).Output);
        Assert.Contains(id, result.Message);
        await WaitForConnectionAsync(id, ConnectionState.Disconnected);
        // Disconnecting again is accepted and changes nothing; an unknown account is its own error.
        await Succeeds("accounts", "disconnect", id);
        Assert.Equal(ExitCodes.NotFound, (await node.RunAsync("accounts", "disconnect", "cli-nobody")).ExitCode);
    }

    private Task WaitForConnectionAsync(string id, ConnectionState state) =>
        Eventually.UntilAsync(async () => (await node.Accounts.GetStatusAsync(id)).Connection == state, Slow, $"{id} becoming {state}");

    private async Task<CliRun> Succeeds(params string[] args)
    {
        var run = await node.RunAsync(args);
        Assert.True(run.ExitCode == ExitCodes.Ok, $"exit {run.ExitCode}: {run.Error}");
        Assert.Empty(run.Error);
        return run;
    }
}

using Google.Protobuf;
using WaCluster.Cli;
using WaCluster.Contracts.Management;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cluster.Tests.Cli;

/// <summary>Every CLI command, in table and JSON form, against an in-process single-node cluster.</summary>
[Trait("Proof", "cli")]
public sealed class CliCommandTests(ManagedNode node) : IClassFixture<ManagedNode>
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    [Fact]
    public async Task Cluster_show_lists_the_node_as_an_up_leader()
    {
        var table = await Succeeds("cluster", "show");
        Assert.Contains($"leader: {node.Address}", table.Output);
        var row = Assert.Single(table.Output.Split('\n'), line => line.StartsWith(node.Address, StringComparison.Ordinal));
        Assert.Contains("Up", row);
        Assert.Contains("accounts", row);

        var view = Json<ClusterView>(await Succeeds("cluster", "show", "--json"));
        Assert.Equal(node.Address, view.SelfAddress);
        Assert.Equal(node.Address, view.Leader);
        var member = Assert.Single(view.Members);
        Assert.Equal(("Up", true, true), (member.Status, member.Reachable, member.Leader));
        Assert.Equal(["accounts"], member.Roles.Where(role => !role.StartsWith("dc-", StringComparison.Ordinal)));
        Assert.Empty(view.Unreachable);
    }

    [Fact]
    public async Task Cluster_join_of_its_own_cluster_is_accepted_in_both_forms()
    {
        Assert.Contains(node.Address, (await Succeeds("cluster", "join", node.Address)).Output);
        Assert.Contains(node.Address, Json<ManagementResult>(await Succeeds("--json", "cluster", "join", node.Address)).Message);
    }

    [Theory]
    [InlineData("leave")]
    [InlineData("down")]
    public async Task Cluster_leave_and_down_refuse_an_address_that_is_no_member(string verb)
    {
        var stranger = $"akka.tcp://wacluster@127.0.0.1:{ManagedNode.FreePort()}";
        foreach (var json in new[] { false, true })
        {
            var run = await node.RunAsync(json ? ["--json", "cluster", verb, stranger] : ["cluster", verb, stranger]);
            Assert.Equal(ExitCodes.NotFound, run.ExitCode);
            Assert.Contains("not a member", run.Error);
        }
        var garbage = await node.RunAsync("cluster", verb, "not-an-address");
        Assert.Equal(ExitCodes.Usage, garbage.ExitCode);
        Assert.Contains("not an address", garbage.Error);
        // The node itself is still there, Up.
        Assert.Equal("Up", Assert.Single(Json<ClusterView>(await Succeeds("--json", "cluster", "show")).Members).Status);
    }

    [Fact]
    public async Task Shards_regions_and_accounts_list_show_started_accounts_in_both_forms()
    {
        var ids = new[] { "regions-a", "regions-b" };
        foreach (var id in ids)
        {
            Assert.Contains(id, (await Succeeds("accounts", "connect", id)).Output);
        }

        var regionsTable = await Succeeds("shards", "regions");
        Assert.All(ids, id => Assert.Contains(id, regionsTable.Output));
        Assert.Contains(node.Address, regionsTable.Output);
        var regions = Json<ShardRegions>(await Succeeds("shards", "regions", "--json"));
        var region = Assert.Single(regions.Regions);
        Assert.Equal(node.Address, region.Address);
        Assert.Subset(region.Shards.SelectMany(shard => shard.EntityIds).ToHashSet(), ids.ToHashSet());
        Assert.All(region.Shards, shard => Assert.Equal(shard.EntityIds.Count, shard.EntityCount));

        var listTable = await Succeeds("accounts", "list");
        Assert.All(ids, id => Assert.Contains(listTable.Output.Split('\n'), line => line.StartsWith(id + " ", StringComparison.Ordinal)));
        var list = Json<AccountList>(await Succeeds("accounts", "list", "--json"));
        foreach (var id in ids)
        {
            var entry = Assert.Single(list.Accounts, account => account.AccountId == id);
            Assert.Equal(node.Address, entry.Node);
            Assert.Contains(entry.ShardId, region.Shards.Where(shard => shard.EntityIds.Contains(id)).Select(shard => shard.ShardId));
        }
    }

    [Fact]
    public async Task Shards_stats_count_the_entities_of_each_shard_in_both_forms()
    {
        await Succeeds("accounts", "connect", "stats-a");
        var stats = Json<ShardRegions>(await Succeeds("--json", "shards", "stats"));
        var regions = Json<ShardRegions>(await Succeeds("--json", "shards", "regions"));
        var counted = Assert.Single(stats.Regions);
        var listed = Assert.Single(regions.Regions);
        Assert.Equal(listed.Shards.ToDictionary(shard => shard.ShardId, shard => shard.EntityCount),
            counted.Shards.ToDictionary(shard => shard.ShardId, shard => shard.EntityCount));
        Assert.Contains(counted.Shards, shard => shard.EntityCount > 0);

        var table = await Succeeds("shards", "stats");
        var total = counted.Shards.Sum(shard => shard.EntityCount);
        Assert.Contains($"1 region(s), {counted.Shards.Count} shard(s), {total} account(s)", table.Output);
    }

    [Fact]
    public async Task Accounts_status_reports_the_account_in_both_forms()
    {
        await Succeeds("accounts", "connect", "status-a");
        var status = Json<AccountStatus>(await Succeeds("--json", "accounts", "status", "status-a"));
        Assert.Equal("status-a", status.AccountId);
        Assert.Equal(node.Address, status.Node);
        // Started and not logged out; no engine is attached on this node, so it never gets further than trying.
        Assert.Contains(status.Connection, new[] { ConnectionState.WaitingForSlot, ConnectionState.Connecting, ConnectionState.NoEngine });

        var table = await Succeeds("accounts", "status", "status-a");
        var connection = Assert.Single(table.Output.Split('\n'), line => line.StartsWith("connection ", StringComparison.Ordinal));
        Assert.Contains(connection.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], new[] { "WaitingForSlot", "Connecting", "NoEngine" });
        Assert.Contains(table.Output.Split('\n'), line => line.StartsWith("account ", StringComparison.Ordinal) && line.EndsWith("status-a"));
        Assert.Contains(node.Address, table.Output);
    }

    [Fact]
    public async Task Accounts_send_queues_the_text_in_the_outbox_in_both_forms()
    {
        await Succeeds("accounts", "connect", "send-a");
        var table = await Succeeds("accounts", "send", "send-a", "123@s.whatsapp.net", "hello", "there");
        Assert.Contains("queued", table.Output);
        var result = Json<ManagementResult>(await Succeeds("--json", "accounts", "send", "send-a", "123@s.whatsapp.net", "again"));
        Assert.StartsWith("cli-", result.ReferenceId);

        var status = await node.Accounts.GetStatusAsync("send-a");
        Assert.Equal(2, status.PendingSends);
    }

    [Fact]
    public async Task Accounts_logout_logs_the_account_out_in_both_forms()
    {
        await Succeeds("accounts", "connect", "logout-a");
        await Succeeds("accounts", "connect", "logout-b");
        Assert.Contains("logged out", (await Succeeds("accounts", "logout", "logout-a")).Output);
        Assert.Contains("logout-b", Json<ManagementResult>(await Succeeds("--json", "accounts", "logout", "logout-b")).Message);

        Assert.Equal(ConnectionState.LoggedOut, (await node.Accounts.GetStatusAsync("logout-a")).Connection);
        Assert.Equal(ConnectionState.LoggedOut, (await node.Accounts.GetStatusAsync("logout-b")).Connection);
        // A logged-out account refuses sends, and the CLI says the account rejected it.
        var refused = await node.RunAsync("accounts", "send", "logout-a", "123@s.whatsapp.net", "hi");
        Assert.Equal(ExitCodes.Rejected, refused.ExitCode);
        Assert.Contains("logged out", refused.Error);
    }

    [Fact]
    public async Task Accounts_pair_code_reaches_the_account_which_rejects_it_without_an_engine()
    {
        await Succeeds("accounts", "connect", "pair-a");
        foreach (var json in new[] { false, true })
        {
            var run = await node.RunAsync(json ? ["--json", "accounts", "pair-code", "pair-a", "15551234567"] : ["accounts", "pair-code", "pair-a", "15551234567"]);
            Assert.Equal(ExitCodes.Rejected, run.ExitCode);
            Assert.Contains("NotConnected", run.Error);
        }
        var bad = await node.RunAsync("accounts", "pair-code", "pair-a", "+1 555");
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Accounts_qr_prints_the_next_qr_code_the_account_publishes(bool json)
    {
        var id = "qr-" + json;
        await Succeeds("accounts", "connect", id);
        var qr = "2@ref-" + Guid.NewGuid().ToString("N") + ",noise,identity,adv";
        var run = node.RunAsync(json ? ["--json", "accounts", "qr", id] : ["accounts", "qr", id]);
        // Like an engine re-issuing its QR, publish until the CLI has its answer (pub-sub drops events that come
        // before the endpoint's subscription is in place).
        while (!run.IsCompleted)
        {
            node.Publish(new QrCodeIssued { AccountId = id, Qr = qr });
            await Task.WhenAny(run, Task.Delay(100));
        }
        var result = await run;
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        if (json)
        {
            var issued = Parser.Parse<QrCodeIssued>(result.Output);
            Assert.Equal((id, qr), (issued.AccountId, issued.Qr));
        }
        else
        {
            Assert.Equal(qr, result.Output.Trim());
        }
    }

    [Fact]
    public async Task Accounts_qr_times_out_when_the_account_issues_none()
    {
        await Succeeds("accounts", "connect", "qr-silent");
        var run = await node.RunAsync("accounts", "qr", "qr-silent");
        Assert.Equal(ExitCodes.Timeout, run.ExitCode);
        Assert.Contains("no QR code from qr-silent", run.Error);
    }

    [Fact]
    public async Task The_prompt_runs_each_line_and_keeps_going_after_a_failure()
    {
        var run = await CliRun.RunAsync(
            [node.Endpoint, "--token", ManagedNode.Token],
            "cluster show\naccounts status nobody-here\nno such command\n\n\"unterminated\nexit\ncluster show\n");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        // Six prompts up to exit; the command after exit never runs.
        Assert.Equal(6, run.Output.Split($"wacluster {node.Endpoint}> ").Length - 1);
        Assert.Single(run.Output.Split('\n'), line => line.Contains("ADDRESS", StringComparison.Ordinal));
        Assert.Contains("unknown account nobody-here", run.Error);
        Assert.Contains("unknown command 'no such command'", run.Error);
        Assert.Contains("unterminated quote", run.Error);
    }

    private async Task<CliRun> Succeeds(params string[] args)
    {
        var run = await node.RunAsync(args);
        Assert.True(run.ExitCode == ExitCodes.Ok, $"exit {run.ExitCode}: {run.Error}");
        Assert.Empty(run.Error);
        return run;
    }

    private static T Json<T>(CliRun run) where T : IMessage<T>, new() => Parser.Parse<T>(run.Output);
}

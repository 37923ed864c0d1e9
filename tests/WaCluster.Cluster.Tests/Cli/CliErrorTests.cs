using WaCluster.Cli;

namespace WaCluster.Cluster.Tests.Cli;

/// <summary>The failures an operator meets, each with its own message and exit code, in both output forms.</summary>
[Trait("Proof", "cli")]
public sealed class CliErrorTests(ManagedNode node) : IClassFixture<ManagedNode>
{
    public static TheoryData<bool> BothForms => new() { false, true };

    [Theory]
    [MemberData(nameof(BothForms))]
    public async Task An_unreachable_node_is_exit_code_2(bool json)
    {
        var nobody = $"127.0.0.1:{ManagedNode.FreePort()}";
        var run = await CliRun.RunAsync(Args([nobody, "--token", "x", "cluster", "show"], json));
        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        Assert.Contains("unreachable", run.Error);
        Assert.Contains(nobody, run.Error);
        Assert.Empty(run.Output);
    }

    [Theory]
    [MemberData(nameof(BothForms))]
    public async Task A_wrong_token_is_exit_code_3_for_reads_and_writes(bool json)
    {
        await Succeeds("accounts", "connect", "token-a");
        foreach (var command in new[] { new[] { "cluster", "show" }, ["accounts", "logout", "token-a"], ["accounts", "list"] })
        {
            var run = await CliRun.RunAsync(Args([node.Endpoint, "--token", ManagedNode.Token + "x", .. command], json));
            Assert.Equal(ExitCodes.Unauthorized, run.ExitCode);
            Assert.Contains("refused the token", run.Error);
            Assert.Empty(run.Output);
        }
        // The refused logout did not happen.
        Assert.NotEqual(WaCluster.Contracts.Proto.ConnectionState.LoggedOut, (await node.Accounts.GetStatusAsync("token-a")).Connection);
    }

    [Fact]
    public async Task No_token_at_all_is_a_usage_error_before_any_request()
    {
        var run = await CliRun.RunAsync([node.Endpoint, "cluster", "show"]);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(CommandLine.TokenVariable, run.Error);
    }

    [Theory]
    [MemberData(nameof(BothForms))]
    public async Task An_unknown_account_is_exit_code_4_and_is_not_created(bool json)
    {
        var id = "ghost-" + json;
        foreach (var command in new[]
                 {
                     new[] { "accounts", "status", id }, ["accounts", "logout", id],
                     ["accounts", "send", id, "1@s.whatsapp.net", "hi"], ["accounts", "pair-code", id, "1555"], ["accounts", "qr", id],
                 })
        {
            var run = await node.RunAsync(Args(command, json));
            Assert.Equal(ExitCodes.NotFound, run.ExitCode);
            Assert.Contains($"unknown account {id}", run.Error);
        }
        var list = await node.RunAsync("accounts", "list");
        Assert.Equal(ExitCodes.Ok, list.ExitCode);
        Assert.DoesNotContain(id, list.Output);
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("accounts status")]
    [InlineData("accounts send a b")]
    [InlineData("shards everything")]
    public async Task An_unknown_or_incomplete_command_is_a_usage_error(string command)
    {
        var run = await node.RunAsync(command.Split(' '));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("usage: wacluster", run.Error);
    }

    private async Task Succeeds(params string[] args) => Assert.Equal(ExitCodes.Ok, (await node.RunAsync(args)).ExitCode);

    private static string[] Args(string[] args, bool json) => json ? ["--json", .. args] : args;
}

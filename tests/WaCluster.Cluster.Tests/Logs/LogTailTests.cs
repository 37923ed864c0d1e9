using System.Text.Json;
using Akka.Event;
using Microsoft.Extensions.Logging;
using WaCluster.Cli;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Logs;

/// <summary>
/// <c>wacluster log tail</c> against a node: the node's recent Microsoft and Akka log lines, filtered by level and by
/// the account whose actor logged them, as text or JSON lines, and followed as new lines are logged.
/// </summary>
[Trait("Proof", "cli")]
public sealed class LogTailTests
{
    private static string AccountSource(string account) => $"akka://wacluster/system/sharding/accounts/7/{account}";

    [Fact]
    public async Task Tail_prints_recent_lines_filtered_by_level_and_account_in_both_forms()
    {
        await using var node = await LoggingNode.StartAsync();
        var marker = Guid.NewGuid().ToString("N")[..8];
        node.Logger("WaCluster.Tests.Tail").LogInformation("info line {Marker}", marker);
        node.Logger("WaCluster.Tests.Tail").LogWarning("warning line {Marker}", marker);
        // Akka's own logging, from an account entity's path as sharding names it.
        Logging.GetLogger(node.System, AccountSource("alice")).Warning("alice warns {0}", marker);
        Logging.GetLogger(node.System, AccountSource("bob")).Warning("bob warns {0}", marker);
        await WaitForAsync(node, $"bob warns {marker}");

        var all = await node.RunAsync("log", "tail", "--lines", "500");
        Assert.Equal(ExitCodes.Ok, all.ExitCode);
        Assert.Contains($"INFORMATION WaCluster.Tests.Tail: info line {marker}", all.Output, StringComparison.Ordinal);
        Assert.Contains($"WARNING     WaCluster.Tests.Tail: warning line {marker}", all.Output, StringComparison.Ordinal);
        var aliceLine = Assert.Single(all.Output.Split('\n'), line => line.EndsWith($": alice warns {marker}", StringComparison.Ordinal));
        Assert.Contains($"WARNING     [alice] {AccountSource("alice")}", aliceLine, StringComparison.Ordinal);

        var warnings = await node.RunAsync("log", "tail", "--level", "warning", "--lines", "500");
        Assert.DoesNotContain($"info line {marker}", warnings.Output, StringComparison.Ordinal);
        Assert.Contains($"warning line {marker}", warnings.Output, StringComparison.Ordinal);

        var alice = await node.RunAsync("--json", "log", "tail", "--account", "alice");
        Assert.Equal(ExitCodes.Ok, alice.ExitCode);
        var lines = alice.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.Equal("alice", line.GetProperty("account").GetString()));
        var warned = Assert.Single(lines, line => line.GetProperty("message").GetString() == $"alice warns {marker}");
        Assert.Equal("warning", warned.GetProperty("level").GetString());
        Assert.StartsWith(AccountSource("alice"), warned.GetProperty("source").GetString(), StringComparison.Ordinal);

        var last = await node.RunAsync("--json", "log", "tail", "--lines", "1");
        Assert.Single(last.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Follow_prints_lines_logged_after_it_started_until_the_node_stops()
    {
        var node = await LoggingNode.StartAsync();
        var output = new SharedWriter();
        var follow = node.RunAsync(output, new StringWriter(), "log", "tail", "--follow", "--level", "error", "--lines", "0");
        // Lines logged while following arrive; lines below the level do not.
        var marker = Guid.NewGuid().ToString("N")[..8];
        var logger = node.Logger("WaCluster.Tests.Follow");
        await Eventually.UntilAsync(() =>
        {
            if (output.ToString().Contains($"error {marker}", StringComparison.Ordinal)) return true;
            logger.LogWarning("warning {Marker}", marker);
            logger.LogError("error {Marker}", marker);
            return false;
        }, TimeSpan.FromSeconds(20), () => "the followed line: " + output);
        Assert.False(follow.IsCompleted, "follow mode keeps the stream open");
        Assert.DoesNotContain($"warning {marker}", output.ToString(), StringComparison.Ordinal);

        await node.DisposeAsync();
        Assert.Equal(ExitCodes.Ok, await follow.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Bad_options_are_usage_errors_and_the_token_never_reaches_the_log()
    {
        await using var node = await LoggingNode.StartAsync();
        Assert.Equal(ExitCodes.Usage, (await node.RunAsync("log", "tail", "--level", "loud")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await node.RunAsync("log", "tail", "--since")).ExitCode);
        await node.RunAsync("accounts", "connect", "carol");
        await node.RunAsync("accounts", "status", "carol");

        var everything = await node.RunAsync("--json", "log", "tail", "--lines", "2000");
        Assert.Equal(ExitCodes.Ok, everything.ExitCode);
        Assert.NotEmpty(everything.Output);
        Assert.DoesNotContain(LoggingNode.Token, everything.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("akka://wacluster/system/sharding/accounts/7/alice", "alice")]
    [InlineData("akka://wacluster/system/sharding/accounts/7/alice/connection/socket#1234", "alice")]
    [InlineData("akka://wacluster/system/sharding/accounts/7/al%20ice#99", "al ice")]
    [InlineData("akka://wacluster/system/sharding/accounts/7/bob (akka://wacluster)", "bob")]
    [InlineData("akka://wacluster/system/sharding/accounts/7", null)]
    [InlineData("akka://wacluster/system/sharding/accountsCoordinator/singleton", null)]
    [InlineData("akka://wacluster/user/accounts-watcher", null)]
    public void Lines_are_attributed_to_the_account_entity_on_whose_path_they_were_logged(string source, string? account) =>
        Assert.Equal(account, WaCluster.Node.Management.Logs.AkkaLogCapture.AccountOf(source));

    private static Task WaitForAsync(LoggingNode node, string text) =>
        Eventually.UntilAsync(async () => (await node.RunAsync("log", "tail", "--lines", "2000")).Output.Contains(text, StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), $"'{text}' in the log");
}

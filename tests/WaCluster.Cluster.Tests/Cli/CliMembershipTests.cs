using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Cli;
using WaCluster.Contracts.Management;
using WaCluster.Node.Hosting;
using WaCluster.TestSupport;

namespace WaCluster.Cluster.Tests.Cli;

/// <summary>`cluster leave` and `cluster down` act on a real second member, seen through `cluster show`.</summary>
[Trait("Proof", "cli")]
public sealed class CliMembershipTests(ManagedNode node) : IClassFixture<ManagedNode>, IAsyncLifetime
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);
    private readonly List<IHost> _others = [];

    [Theory]
    [InlineData("leave", false)]
    [InlineData("down", true)]
    public async Task A_member_leaves_or_is_downed_and_disappears_from_cluster_show(string verb, bool json)
    {
        var address = await StartMemberAsync();
        await WaitForAsync(view => view.Members.Any(member => member.Address == address && member.Status == "Up"));
        var table = await node.RunAsync("cluster", "show");
        Assert.Contains(table.Output.Split('\n'), line => line.StartsWith(address + " ", StringComparison.Ordinal) && line.Contains("Up"));

        var run = await node.RunAsync(json ? ["--json", "cluster", verb, address] : ["cluster", verb, address]);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains(address, json ? Parser.Parse<ManagementResult>(run.Output).Message : run.Output);

        await WaitForAsync(view => view.Members.All(member => member.Address != address));
        var after = Parser.Parse<ClusterView>((await node.RunAsync("--json", "cluster", "show")).Output);
        Assert.Equal(node.Address, Assert.Single(after.Members).Address);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _others)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await host.StopAsync(timeout.Token);
                host.Dispose();
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                // A downed member has already shut its ActorSystem down.
            }
        }
    }

    /// <summary>Starts a member without the accounts role (a sibling service), so no shards move when it goes.</summary>
    private async Task<string> StartMemberAsync()
    {
        var port = ManagedNode.FreePort();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddWaClusterNode(new WaClusterNodeOptions
        {
            Hostname = "127.0.0.1",
            Port = port,
            Roles = ["api"],
            SeedNodes = [node.Address],
            SqliteFile = node.SqliteFile,
            NumberOfShards = 10,
            ExtraHocon = "akka.loglevel = WARNING",
        });
        var host = builder.Build();
        _others.Add(host);
        await host.StartAsync();
        return $"akka.tcp://wacluster@127.0.0.1:{port}";
    }

    private Task WaitForAsync(Func<ClusterView, bool> condition)
    {
        var shown = "";
        return Eventually.UntilAsync(async () =>
        {
            var run = await node.RunAsync("--json", "cluster", "show");
            Assert.Equal(ExitCodes.Ok, run.ExitCode);
            shown = run.Output;
            return condition(Parser.Parse<ClusterView>(run.Output));
        }, TimeSpan.FromSeconds(30), () => $"the expected cluster state; last shown:\n{shown}");
    }
}

using System.Globalization;
using WaCluster.Simulator;

// dotnet run --project src/WaCluster.Simulator -- [--port N] [--seed N] [--idle-seconds N] [--tls true]
//     [--lid-users true] [--group-addressing lid|pn] [--require-privacy-tokens true] [--history-messages N]
//     [--app-state-seed contacts,archived,pinned,muted,labels]
var options = new SimulatorOptions();
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options = args[i] switch
    {
        "--port" => options with { Port = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        "--seed" => options with { Seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        "--tls" => options with { UseTls = bool.Parse(args[i + 1]) },
        "--idle-seconds" => options with { IdleTimeout = TimeSpan.FromSeconds(int.Parse(args[i + 1], CultureInfo.InvariantCulture)) },
        "--lid-users" => options with { LidAddressedUsers = bool.Parse(args[i + 1]) },
        "--group-addressing" => options with { DefaultGroupAddressing = Enum.Parse<GroupAddressing>(args[i + 1], ignoreCase: true) },
        "--require-privacy-tokens" => options with { RequirePrivacyTokens = bool.Parse(args[i + 1]) },
        "--app-state-seed" => options with { AppStateSeed = WaCluster.Simulator.AppState.AppStateSeed.Parse(args[i + 1]) },
        "--history-messages" => options with { HistoryMessages = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        _ => throw new ArgumentException($"unknown option {args[i]}; use --port N, --seed N, --idle-seconds N, --tls true, "
            + "--lid-users true, --group-addressing lid|pn, --require-privacy-tokens true, --history-messages N, "
            + "--app-state-seed contacts,archived,pinned,muted,labels"),
    };
}
await using var host = await SimulatorHost.StartAsync(options);
Console.WriteLine($"url {host.ChatUri}");
Console.WriteLine($"admin {host.BaseUri}admin/");
Console.WriteLine($"root-key {Convert.ToBase64String(host.Simulator.RootPublicKey)}");
Console.WriteLine($"media https://{host.Simulator.MediaHostName}/");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
await stop.Task;

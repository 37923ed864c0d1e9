using Google.Protobuf;
using WaCluster.Contracts.Management;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cli;

/// <summary>Runs one command against a node and prints its answer as a table or as JSON.</summary>
public sealed class Commands(ManagementClient client, TextWriter output, bool json)
{
    public const string Usage = $$"""
        usage: wacluster [host:port] [--token TOKEN] [--json] <command>
          cluster show                         members, status, roles, leader, reachability
          cluster leave|down|join <address>    e.g. akka.tcp://wacluster@host:4053
          shards regions                       shards and account ids of every account region
          shards stats                         entity counts per shard and region
          accounts list                        every account the cluster hosts
          accounts status <id>
          accounts qr <id>                     waits for the account's next QR code and prints it
          accounts connect <id>                starts (or wakes) an account, or connects it after a disconnect
          accounts disconnect <id>             closes its socket; it stays offline (also across restarts) until connected
          accounts pair-code <id> <phone>      waits for the account's pairing code and prints it
          accounts logout <id>
        {{SendArguments.Usage}}
          log tail [--follow] [--level L] [--account id] [--lines N]
                                               the node's recent log lines; --follow keeps printing new ones
        The token comes from --token or WACLUSTER_TOKEN. With no command, commands are read from a prompt.
        """;

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public async Task RunAsync(IReadOnlyList<string> words)
    {
        switch (words.ToArray())
        {
            case ["cluster", "show"]:
                PrintCluster(await client.GetAsync<ClusterView>("/v1/cluster"));
                break;
            case ["cluster", var verb, var address] when verb is "leave" or "down" or "join":
                PrintResult(await client.PostAsync<ManagementResult>($"/v1/cluster/{verb}", new AddressRequest { Address = address }));
                break;
            case ["shards", "regions"]:
                PrintShards(await client.GetAsync<ShardRegions>("/v1/shards/regions"), withIds: true);
                break;
            case ["shards", "stats"]:
                PrintShards(await client.GetAsync<ShardRegions>("/v1/shards/stats"), withIds: false);
                break;
            case ["accounts", "list"]:
                PrintAccounts(await client.GetAsync<AccountList>("/v1/accounts"));
                break;
            case ["accounts", "status", var id]:
                PrintStatus(await client.GetAsync<AccountStatus>($"/v1/accounts/{Uri.EscapeDataString(id)}"));
                break;
            case ["accounts", "qr", var id]:
                PrintQr(await client.GetAsync<QrCodeIssued>($"/v1/accounts/{Uri.EscapeDataString(id)}/qr"));
                break;
            case ["accounts", var verb, var id] when verb is "logout" or "connect" or "disconnect":
                PrintResult(await client.PostAsync<ManagementResult>($"/v1/accounts/{Uri.EscapeDataString(id)}/{verb}", null));
                break;
            case ["accounts", "pair-code", var id, var phone]:
                PrintPairingCode(await client.PostAsync<PairingCodeIssued>(
                    $"/v1/accounts/{Uri.EscapeDataString(id)}/pair-code", new PairCodeRequest { PhoneNumber = phone }));
                break;
            case ["accounts", "send", var id, var to, .. var rest]:
                PrintResult(await client.PostAsync<ManagementResult>(
                    $"/v1/accounts/{Uri.EscapeDataString(id)}/messages", SendArguments.Parse(to, rest)));
                break;
            case ["log", "tail", .. var options]:
                await LogTail.RunAsync(client, output, json, options);
                break;
            case ["help"]:
                output.WriteLine(Usage);
                break;
            default:
                throw new CliException(ExitCodes.Usage, $"unknown command '{string.Join(' ', words)}'\n{Usage}");
        }
    }

    private bool PrintedJson(IMessage message)
    {
        if (json)
        {
            output.WriteLine(Json.Format(message));
        }
        return json;
    }

    private void PrintCluster(ClusterView view)
    {
        if (PrintedJson(view))
        {
            return;
        }
        output.WriteLine($"node:   {view.SelfAddress}");
        output.WriteLine($"leader: {(view.Leader.Length > 0 ? view.Leader : "(none)")}");
        TextTable.Write(output, ["ADDRESS", "STATUS", "ROLES", "REACHABLE", "LEADER"], view.Members.Select(member => (IReadOnlyList<string>)
            [member.Address, member.Status, string.Join(',', member.Roles), member.Reachable ? "yes" : "NO", member.Leader ? "*" : ""]));
        if (view.Unreachable.Count > 0)
        {
            output.WriteLine($"unreachable: {string.Join(", ", view.Unreachable)}");
        }
    }

    private void PrintShards(ShardRegions regions, bool withIds)
    {
        if (PrintedJson(regions))
        {
            return;
        }
        TextTable.Write(output, withIds ? ["REGION", "SHARD", "ENTITIES", "ACCOUNTS"] : ["REGION", "SHARD", "ENTITIES"],
            regions.Regions.SelectMany(region => region.Shards.Select(shard => withIds
                ? (IReadOnlyList<string>)[region.Address, shard.ShardId, shard.EntityCount.ToString(), string.Join(',', shard.EntityIds)]
                : [region.Address, shard.ShardId, shard.EntityCount.ToString()])));
        var total = regions.Regions.Sum(region => region.Shards.Sum(shard => shard.EntityCount));
        output.WriteLine($"{regions.Regions.Count} region(s), {regions.Regions.Sum(region => region.Shards.Count)} shard(s), {total} account(s)");
        if (regions.Failed.Count > 0)
        {
            output.WriteLine($"no answer from: {string.Join(", ", regions.Failed)}");
        }
    }

    private void PrintAccounts(AccountList list)
    {
        if (PrintedJson(list))
        {
            return;
        }
        TextTable.Write(output, ["ACCOUNT", "SHARD", "NODE"], list.Accounts.Select(entry => (IReadOnlyList<string>)
            [entry.AccountId, entry.ShardId, entry.Node]));
        output.WriteLine($"{list.Accounts.Count} account(s)");
        if (list.FailedRegions.Count > 0)
        {
            output.WriteLine($"no answer from: {string.Join(", ", list.FailedRegions)}");
        }
    }

    private void PrintStatus(AccountStatus status)
    {
        if (PrintedJson(status))
        {
            return;
        }
        TextTable.Write(output, ["FIELD", "VALUE"], new (string, string)[]
        {
            ("account", status.AccountId),
            ("connection", status.Connection.ToString()),
            ("creds", status.HasCreds ? "yes" : "no"),
            ("pending sends", status.PendingSends.ToString()),
            ("last sequence nr", status.LastSequenceNr.ToString()),
            ("node", status.Node),
        }.Select(pair => (IReadOnlyList<string>)[pair.Item1, pair.Item2]));
    }

    // The bare QR payload, so that it pipes into a renderer: wacluster accounts qr ID | qrencode -t ansiutf8
    private void PrintQr(QrCodeIssued qr)
    {
        if (!PrintedJson(qr))
        {
            output.WriteLine(qr.Qr);
        }
    }

    // The bare code, as the phone asks for it.
    private void PrintPairingCode(PairingCodeIssued issued)
    {
        if (!PrintedJson(issued))
        {
            output.WriteLine(issued.Code);
        }
    }

    private void PrintResult(ManagementResult result)
    {
        if (PrintedJson(result))
        {
            return;
        }
        output.WriteLine(result.ReferenceId.Length > 0 ? $"{result.Message} (id {result.ReferenceId})" : result.Message);
    }
}

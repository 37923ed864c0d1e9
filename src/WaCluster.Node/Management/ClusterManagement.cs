using Akka.Actor;
using Akka.Cluster.Sharding;
using WaCluster.Client;
using WaCluster.Contracts.Management;
using WaCluster.Contracts.Proto;
using WaCluster.Node.Hosting;
using AkkaCluster = Akka.Cluster.Cluster;

namespace WaCluster.Node.Management;

/// <summary>The operations behind the management endpoint, on the node's ActorSystem, account region and facade.</summary>
public sealed class ClusterManagement(
    ActorSystem system, IActorRef accountRegion, IWhatsAppCluster accounts, TimeSpan timeout, TimeSpan qrWait)
{
    private AkkaCluster Cluster => AkkaCluster.Get(system);

    public ClusterView Show()
    {
        var state = Cluster.State;
        var unreachable = state.Unreachable.Select(member => member.Address).ToHashSet();
        var view = new ClusterView
        {
            SelfAddress = Cluster.SelfAddress.ToString(),
            Leader = state.Leader?.ToString() ?? "",
            Unreachable = { unreachable.Select(address => address.ToString()) },
        };
        view.Members.Add(state.Members.Select(member => new ClusterMember
        {
            Address = member.Address.ToString(),
            Status = member.Status.ToString(),
            Roles = { member.Roles.Order(StringComparer.Ordinal) },
            Reachable = !unreachable.Contains(member.Address),
            Leader = member.Address.Equals(state.Leader),
        }));
        return view;
    }

    public ManagementResult Leave(string address)
    {
        Cluster.Leave(KnownMember(address));
        return new ManagementResult { Message = $"{address} is leaving" };
    }

    public ManagementResult Down(string address)
    {
        Cluster.Down(KnownMember(address));
        return new ManagementResult { Message = $"{address} is marked down" };
    }

    public ManagementResult Join(string address)
    {
        Cluster.Join(ParseAddress(address));
        return new ManagementResult { Message = $"joining {address}" };
    }

    /// <summary>Shards and their entity ids, asked of the account region of every member that hosts accounts.</summary>
    public async Task<ShardRegions> RegionsAsync(CancellationToken cancellationToken)
    {
        var result = new ShardRegions();
        var answers = await Task.WhenAll(AccountNodes().Select(address => RegionStateAsync(address, cancellationToken)));
        foreach (var (address, state) in answers)
        {
            if (state is null)
            {
                result.Failed.Add(address.ToString());
                continue;
            }
            var region = new RegionInfo { Address = address.ToString() };
            region.Shards.Add(state.Shards.OrderBy(shard => shard.ShardId, StringComparer.Ordinal).Select(shard => new ShardInfo
            {
                ShardId = shard.ShardId,
                EntityCount = shard.EntityIds.Count,
                EntityIds = { shard.EntityIds.Order(StringComparer.Ordinal) },
            }));
            result.Regions.Add(region);
        }
        return result;
    }

    /// <summary>Entity counts per shard and region, as the shard coordinator's cluster-wide statistics give them.</summary>
    public async Task<ShardRegions> StatsAsync(CancellationToken cancellationToken)
    {
        var stats = await AskAsync<ClusterShardingStats>(accountRegion, new GetClusterShardingStats(timeout), cancellationToken);
        var result = new ShardRegions();
        foreach (var (address, regionStats) in stats.Regions.OrderBy(pair => pair.Key.ToString(), StringComparer.Ordinal))
        {
            var region = new RegionInfo { Address = address.ToString() };
            region.Shards.Add(regionStats.Stats.OrderBy(pair => pair.Key, StringComparer.Ordinal)
                .Select(pair => new ShardInfo { ShardId = pair.Key, EntityCount = pair.Value }));
            result.Regions.Add(region);
            result.Failed.Add(regionStats.Failed.Select(shard => $"{address}/{shard}"));
        }
        return result;
    }

    public async Task<AccountList> AccountsAsync(CancellationToken cancellationToken)
    {
        var regions = await RegionsAsync(cancellationToken);
        var list = new AccountList { FailedRegions = { regions.Failed } };
        list.Accounts.Add(regions.Regions
            .SelectMany(region => region.Shards.SelectMany(shard => shard.EntityIds.Select(id =>
                new AccountEntry { AccountId = id, ShardId = shard.ShardId, Node = region.Address })))
            .OrderBy(entry => entry.AccountId, StringComparer.Ordinal));
        return list;
    }

    public async Task<AccountStatus> StatusAsync(string accountId, CancellationToken cancellationToken)
    {
        await RequireKnownAccountAsync(accountId, cancellationToken);
        return await Accounts(() => accounts.GetStatusAsync(accountId, cancellationToken));
    }

    public async Task<ManagementResult> LogOutAsync(string accountId, CancellationToken cancellationToken)
    {
        await RequireKnownAccountAsync(accountId, cancellationToken);
        await Accounts(() => accounts.LogOutAsync(accountId, cancellationToken));
        return new ManagementResult { Message = $"{accountId} logged out" };
    }

    /// <summary>Puts a message of any kind in the account's outbox; a missing id is chosen here and returned.</summary>
    public async Task<ManagementResult> SendMessageAsync(string accountId, SendMessage request, CancellationToken cancellationToken)
    {
        if (request.ToJid.Length == 0 || request.ContentCase == SendMessage.ContentOneofCase.None)
        {
            throw new ManagementException(ManagementException.BadRequest, "send needs a recipient and a content");
        }
        await RequireKnownAccountAsync(accountId, cancellationToken);
        request.AccountId = accountId;
        if (request.MessageId.Length == 0)
        {
            request.MessageId = "cli-" + Guid.NewGuid().ToString("N")[..16];
        }
        await Accounts(() => accounts.SendMessageAsync(request, cancellationToken));
        return new ManagementResult { Message = $"queued in the outbox of {accountId}", ReferenceId = request.MessageId };
    }

    /// <summary>
    /// Starts (or wakes) an account, or connects it again after a disconnect: the one command that may name an account
    /// the cluster does not know yet.
    /// </summary>
    public async Task<ManagementResult> ConnectAsync(string accountId, CancellationToken cancellationToken)
    {
        await Accounts(() => accounts.ConnectAccountAsync(accountId, cancellationToken));
        return new ManagementResult { Message = $"{accountId} started, connecting" };
    }

    public async Task<ManagementResult> DisconnectAsync(string accountId, CancellationToken cancellationToken)
    {
        await RequireKnownAccountAsync(accountId, cancellationToken);
        await Accounts(() => accounts.DisconnectAccountAsync(accountId, cancellationToken));
        return new ManagementResult { Message = $"{accountId} disconnected; it stays offline until connected again" };
    }

    /// <summary>
    /// Asks the account for a pairing code and returns it. An account that was just started has no socket yet, so a
    /// not-connected refusal is retried for as long as a QR code is waited for.
    /// </summary>
    public async Task<PairingCodeIssued> PairCodeAsync(string accountId, PairCodeRequest request, CancellationToken cancellationToken)
    {
        if (request.PhoneNumber.Length == 0 || !request.PhoneNumber.All(char.IsAsciiDigit))
        {
            throw new ManagementException(ManagementException.BadRequest, "pair-code needs a phone number of digits only");
        }
        await RequireKnownAccountAsync(accountId, cancellationToken);
        var deadline = DateTime.UtcNow + qrWait;
        while (true)
        {
            try
            {
                var code = await accounts.RequestPairingCodeAsync(accountId, request.PhoneNumber, cancellationToken);
                return new PairingCodeIssued { AccountId = accountId, Code = code };
            }
            catch (AccountCommandRejectedException e) when (e.Rejection.Reason == RejectionReason.NotConnected && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
            catch (AccountCommandRejectedException e)
            {
                throw new ManagementException(ManagementException.Rejected, e.Message);
            }
            catch (AskTimeoutException)
            {
                throw new ManagementException(ManagementException.Timeout, "the account did not answer in time");
            }
        }
    }

    /// <summary>
    /// Waits for the next QR code the account publishes (its engine issues a fresh one every few seconds while it
    /// waits to be scanned), so the operator always gets a current one.
    /// </summary>
    public async Task<QrCodeIssued> NextQrCodeAsync(string accountId, CancellationToken cancellationToken)
    {
        await RequireKnownAccountAsync(accountId, cancellationToken);
        var issued = new TaskCompletionSource<QrCodeIssued>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = accounts.Subscribe(accountId, accountEvent =>
        {
            if (accountEvent is QrCodeIssued qr)
            {
                issued.TrySetResult(qr);
            }
        });
        try
        {
            return await issued.Task.WaitAsync(qrWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new ManagementException(ManagementException.Timeout, $"no QR code from {accountId} within {qrWait.TotalSeconds:0}s (is it waiting to be paired?)");
        }
    }

    // Asking an unknown id would create (and, with remember-entities, keep) an entity, so only known ids are asked.
    private async Task RequireKnownAccountAsync(string accountId, CancellationToken cancellationToken)
    {
        var known = await AccountsAsync(cancellationToken);
        if (!known.Accounts.Any(entry => entry.AccountId == accountId))
        {
            throw new ManagementException(ManagementException.NotFound, $"unknown account {accountId}");
        }
    }

    private static async Task<T> Accounts<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AccountCommandRejectedException e)
        {
            throw new ManagementException(ManagementException.Rejected, e.Message);
        }
        catch (AskTimeoutException)
        {
            throw new ManagementException(ManagementException.Timeout, "the account did not answer in time");
        }
    }

    private static async Task Accounts(Func<Task> call) => await Accounts(async () =>
    {
        await call();
        return true;
    });

    private IEnumerable<Address> AccountNodes() => Cluster.State.Members
        .Where(member => member.Status == Akka.Cluster.MemberStatus.Up && member.HasRole(AccountShards.Role))
        .Select(member => member.Address);

    private async Task<(Address, CurrentShardRegionState?)> RegionStateAsync(Address address, CancellationToken cancellationToken)
    {
        var region = system.ActorSelection(new RootActorPath(address) / "system" / "sharding" / AccountShards.RegionName);
        try
        {
            return (address, await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, timeout, cancellationToken));
        }
        catch (AskTimeoutException)
        {
            return (address, null);
        }
    }

    private async Task<T> AskAsync<T>(IActorRef target, object message, CancellationToken cancellationToken)
    {
        try
        {
            return await target.Ask<T>(message, timeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            throw new ManagementException(ManagementException.Timeout, "the cluster did not answer in time");
        }
    }

    private Address KnownMember(string address)
    {
        var parsed = ParseAddress(address);
        if (!Cluster.State.Members.Any(member => member.Address.Equals(parsed)))
        {
            throw new ManagementException(ManagementException.NotFound, $"{address} is not a member of the cluster");
        }
        return parsed;
    }

    private static Address ParseAddress(string address)
    {
        try
        {
            var parsed = Address.Parse(address);
            if (parsed.Host is null || parsed.Port is null)
            {
                throw new UriFormatException();
            }
            return parsed;
        }
        catch (UriFormatException)
        {
            throw new ManagementException(ManagementException.BadRequest, $"'{address}' is not an address like akka.tcp://wacluster@host:4053");
        }
    }
}

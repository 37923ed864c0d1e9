using WaCluster.Core.Connection;
using WaCluster.Core.Events;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Handlers;

/// <summary>The server's info broadcasts (<c>ib</c>): the offline backlog's preview and end, new routing info, and the version refusal.</summary>
internal sealed class InfoBroadcastHandler(AccountEngine engine)
{
    /// <summary>The server has a backlog: ask for it in batches of 100.</summary>
    public static async Task OnOfflinePreviewAsync(ConnectionSession session, BinaryNode ib, CancellationToken cancellationToken) =>
        await session.SendAsync(new BinaryNode("ib", [], [new BinaryNode("offline_batch", [("count", "100")])]), cancellationToken).ConfigureAwait(false);

    /// <summary>The backlog is delivered (and, queued behind its messages, handled): what was held is announced.</summary>
    public Task OnOfflineAsync(ConnectionSession session, BinaryNode ib, CancellationToken cancellationToken)
    {
        session.FlushBurst();
        engine.Emit(new ConnectionUpdate(ReceivedPendingNotifications: true));
        return Task.CompletedTask;
    }

    /// <summary>Where to connect next time: kept with the creds.</summary>
    public async Task OnEdgeRoutingAsync(ConnectionSession session, BinaryNode ib, CancellationToken cancellationToken)
    {
        if (ib.GetChild("edge_routing")?.GetChild("routing_info") is { ContentKind: NodeContentKind.Bytes } routing)
        {
            await engine.CommitAsync("routing info", engine.Creds with { RoutingInfo = routing.Bytes.ToArray() }, null, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    public static Task OnDowngradeAsync(ConnectionSession session, BinaryNode ib, CancellationToken cancellationToken)
    {
        session.End(new DisconnectInfo((int)DisconnectReason.MultideviceMismatch, "Multi-device beta not joined"));
        return Task.CompletedTask;
    }
}

using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Handlers;

/// <summary>Where a handler runs relative to the read loop.</summary>
internal enum Dispatch
{
    /// <summary>Awaited in the read loop: the next stanza is read once it is done.</summary>
    Inline,

    /// <summary>Queued on the connection's ordered worker: handled one by one in arrival order.</summary>
    Ordered,

    /// <summary>Run beside the read loop: it waits for server answers that only the read loop reads.</summary>
    Beside,
}

/// <summary>One entry of the table: the handler of a stanza key, the name its failures are reported under, and how it is dispatched.</summary>
internal sealed record StanzaRoute(string Name, Dispatch Mode, Func<ConnectionSession, BinaryNode, CancellationToken, Task> HandleAsync);

/// <summary>
/// Every stanza the engine handles, each key with its one handler and dispatch mode, in one flat table. Handlers
/// ack what they handle themselves: acks follow persistence, never precede it.
/// </summary>
internal static class StanzaTable
{
    public static StanzaRouter<StanzaRoute> For(AccountEngine engine) => new(Entries(engine));

    /// <summary>The entries of the table, each key once (the router refuses a key twice).</summary>
    public static IReadOnlyList<(StanzaKey Key, StanzaRoute Route)> Entries(AccountEngine engine)
    {
        var iq = new IqHandler(engine);
        var ib = new InfoBroadcastHandler(engine);
        var ackOnly = new AckOnlyHandler(engine);
        var presence = new PresenceHandler(engine);
        return
        [
            Entry("iq", "pair-device", Dispatch.Inline, IqHandler.OnPairDeviceAsync),
            Entry("iq", "pair-success", Dispatch.Inline, iq.OnPairSuccessAsync),
            Entry("iq", "urn:xmpp:ping", Dispatch.Inline, IqHandler.OnPingAsync),
            // Logging in queries the server: the login step itself runs beside the loop.
            Entry("success", null, Dispatch.Inline, new SuccessHandler(engine).HandleAsync),
            Entry("stream:error", null, Dispatch.Inline, ConnectionEndHandler.OnStreamErrorAsync),
            Entry("failure", null, Dispatch.Inline, ConnectionEndHandler.OnFailureAsync),
            Entry("xmlstreamend", null, Dispatch.Inline, ConnectionEndHandler.OnStreamEndAsync),
            Entry("ib", "offline_preview", Dispatch.Inline, InfoBroadcastHandler.OnOfflinePreviewAsync),
            // After the backlog messages before it are handled.
            Entry("ib", "offline", Dispatch.Ordered, ib.OnOfflineAsync),
            Entry("ib", "edge_routing", Dispatch.Inline, ib.OnEdgeRoutingAsync),
            Entry("ib", "downgrade_webclient", Dispatch.Inline, InfoBroadcastHandler.OnDowngradeAsync),
            // In arrival order, since ratchets must advance in that order; not in the read loop, since decrypting may
            // wait for the Signal lock that a send holds while it waits for a server answer only the loop reads.
            Entry("message", null, Dispatch.Ordered, new MessageHandler(engine).HandleAsync),
            Entry("receipt", null, Dispatch.Inline, new ReceiptHandler(engine).HandleAsync),
            // Answering may fetch a bundle, whose answer the read loop must read.
            Entry("receipt", "retry", Dispatch.Beside, new RetryReceiptHandler(engine).HandleAsync, "retry receipt"),
            // Answering re-uploads the media and may need a media_conn answer.
            Entry("receipt", "server-error", Dispatch.Beside, new MediaRetryRequestHandler(engine).HandleAsync, "media re-upload request"),
            Entry("ack", "message", Dispatch.Inline, new MessageAckHandler(engine).HandleAsync),
            // Acks of our receipts and notification acks only confirm the server has them: nothing waits for them.
            Entry("ack", null, Dispatch.Inline, static (_, _, _) => Task.CompletedTask, "other ack"),
            Entry("notification", "w:gp2", Dispatch.Inline, new GroupNotificationHandler(engine).HandleAsync),
            Entry("notification", "devices", Dispatch.Inline, new DevicesNotificationHandler(engine).HandleAsync),
            Entry("notification", "encrypt", Dispatch.Inline, new PreKeyNotificationHandler(engine, ackOnly).HandleAsync),
            Entry("notification", "mediaretry", Dispatch.Inline, new MediaRetryNotificationHandler(engine).HandleAsync),
            Entry("notification", "link_code_companion_reg", Dispatch.Inline, new PairingCodeNotificationHandler(engine, ackOnly).HandleAsync),
            // Kinds not handled yet are acked so the server does not deliver them again forever.
            Entry("notification", null, Dispatch.Inline, ackOnly.HandleAsync),
            Entry("call", null, Dispatch.Inline, ackOnly.HandleAsync),
            Entry("presence", null, Dispatch.Inline, presence.HandleAsync),
            Entry("chatstate", null, Dispatch.Inline, presence.HandleAsync),
        ];
    }

    // A failure beside the read loop is reported under the handler's name: its key, or what it does.
    private static (StanzaKey, StanzaRoute) Entry(string tag, string? discriminator, Dispatch mode,
        Func<ConnectionSession, BinaryNode, CancellationToken, Task> handle, string? name = null)
    {
        var key = new StanzaKey(tag, discriminator);
        return (key, new StanzaRoute(name ?? key.ToString(), mode, handle));
    }
}

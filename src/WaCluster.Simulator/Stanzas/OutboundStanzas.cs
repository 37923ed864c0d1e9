using WaCluster.Protocol.Binary;

namespace WaCluster.Simulator.Stanzas;

/// <summary>
/// Every kind of stanza the simulator sends a client, keyed as clients route them. It is enforced on the one outbound
/// path (<see cref="Connections.ChatConnection.Send"/>): a stanza of a kind not listed here is refused, so this list
/// cannot fall behind what the simulator really sends, and a client can be checked against it for a handler per kind.
/// </summary>
public static class OutboundStanzas
{
    /// <summary>
    /// The kinds pushed to a client unasked. A kind without a discriminator stands for every stanza of its tag:
    /// relayed receipts keep whatever type the receipting client gave them.
    /// </summary>
    public static IReadOnlySet<StanzaKey> Pushed { get; } = new HashSet<StanzaKey>
    {
        new("iq", "pair-device"),
        new("iq", "pair-success"),
        new("success"),
        new("failure"),
        new("stream:error"),
        new("ib", "offline"),
        new("message"),
        new("receipt"),
        new("receipt", "delivery"),
        new("receipt", "read"),
        new("receipt", "retry"),
        new("receipt", "server-error"),
        new("ack", "message"),
        new("ack", "receipt"),
        new("ack", "notification"),
        new("notification", "w:gp2"),
        new("notification", "devices"),
        new("notification", "encrypt"),
        new("notification", "mediaretry"),
        new("notification", "privacy_token"),
        new("notification", "link_code_companion_reg"),
        new("notification", "server_sync"),
        new("presence"),
        new("chatstate"),
    };

    /// <summary>True for an iq answer (result or error), which a client matches to its own request by id.</summary>
    public static bool IsIqAnswer(BinaryNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Tag == "iq" && node.GetAttribute("type") is "result" or "error";
    }

    /// <summary>Refuses <paramref name="node"/> unless it is an iq answer or of a pushed kind.</summary>
    /// <exception cref="SimulatorException">The simulator has no such outbound kind.</exception>
    public static void Require(BinaryNode node)
    {
        if (IsIqAnswer(node)) return;
        var key = StanzaKey.Of(node);
        if (Pushed.Contains(key) || Pushed.Contains(new StanzaKey(key.Tag))) return;
        throw new SimulatorException($"the simulator has no outbound stanza kind {key}");
    }
}

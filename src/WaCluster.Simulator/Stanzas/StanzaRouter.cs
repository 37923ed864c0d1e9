using WaCluster.Protocol;
using WaCluster.Protocol.Binary;
using WaCluster.Simulator.Connections;
using WaCluster.Simulator.Pairing;

namespace WaCluster.Simulator.Stanzas;

/// <summary>Routes each decoded client stanza by tag; anything unknown or malformed ends the stream.</summary>
internal static class StanzaRouter
{
    public static void Route(WaSimulator simulator, ChatConnection connection, BinaryNode node)
    {
        try
        {
            if (node.Tag == "iq" && node["type"] is "result" or "error")
            {
                if (connection.Pairing is { SuccessIqId: { } successId } pending && node["id"] == successId)
                {
                    PairingFlow.OnPairSuccessAnswer(simulator, connection, pending, node);
                }
                return;
            }
            if (node.Tag == "ib") return; // client telemetry (unified_session, offline_batch): nothing to answer
            // Before login, acks of pairing notifications and push-name presences have nothing to act on.
            if (node.Tag is "ack" or "presence" && connection.Device is null) return;
            if (node.Tag == "iq" && node["xmlns"] == "w:p")
            {
                connection.Send(ServerNodes.IqResult(node)); // keepalive works before login too
                return;
            }
            if (connection.Pairing is not null && node.Tag == "iq" && node["xmlns"] == "md"
                && node.GetChild("link_code_companion_reg") is { } linkCode)
            {
                node.RequireAttribute("id");
                LinkCodeFlow.OnCompanionRegistration(simulator, connection, node, linkCode);
                return;
            }
            if (connection.Device is not { } device)
            {
                Reject(simulator, connection, $"<{node.Tag}> before login");
                return;
            }
            switch (node.Tag)
            {
                case "iq": IqRouter.Route(simulator, connection, device, node); break;
                case "message": MessageRelay.Relay(simulator, device, node); break;
                case "receipt" when node["type"] == "server-error": Media.MediaRetryRelay.OnRequest(simulator, device, node); break;
                case "receipt": ReceiptRelay.Relay(simulator, device, node); break;
                case "notification" when node["type"] == "mediaretry": Media.MediaRetryRelay.OnAnswer(simulator, device, node); break;
                case "ack": device.Pending.Acknowledge(node.RequireAttribute("id"), node.RequireAttribute("class")); break;
                case "presence": PresenceRelay.OnPresence(simulator, device, node); break;
                case "chatstate": PresenceRelay.OnChatState(simulator, device, node); break;
                default: Reject(simulator, connection, $"unknown stanza <{node.Tag}>"); break;
            }
        }
        catch (ProtocolException ex)
        {
            if (node.Tag == "iq" && node["id"] is not null)
            {
                connection.Send(ServerNodes.IqError(node, 400, "bad-request"));
                return;
            }
            Reject(simulator, connection, ex.Message);
        }
    }

    /// <summary>A stanza the server cannot accept on this stream: stream error, then close.</summary>
    private static void Reject(WaSimulator simulator, ChatConnection connection, string reason)
    {
        simulator.Counters.ProtocolError();
        connection.SendAndClose(ServerNodes.StreamError(new BinaryNode("xml-not-well-formed", [("text", reason.Length > 200 ? reason[..200] : reason)])));
    }
}

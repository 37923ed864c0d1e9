using WaCluster.Protocol.Binary;

namespace WaCluster.Core.Stanzas;

/// <summary>The <c>ack</c> WhatsApp expects for every received message, receipt, notification and call.</summary>
public static class StanzaAcks
{
    public static BinaryNode For(BinaryNode stanza, string? ownJid, int? errorCode = null)
    {
        var attributes = new List<NodeAttribute>(7)
        {
            ("id", stanza.GetAttribute("id")),
            ("to", stanza.GetAttribute("from")),
            ("class", stanza.Tag),
        };
        if (errorCode is { } code) attributes.Add(("error", code.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        attributes.Add(("participant", stanza.GetAttribute("participant")));
        attributes.Add(("recipient", stanza.GetAttribute("recipient")));
        attributes.Add(("type", stanza.GetAttribute("type")));
        if (stanza.Tag == "message") attributes.Add(("from", ownJid));
        return new BinaryNode("ack", attributes.ToArray());
    }
}

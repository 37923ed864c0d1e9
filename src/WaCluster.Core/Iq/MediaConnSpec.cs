using WaCluster.Core.Media;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Iq;

/// <summary>The media hosts and upload auth (<c>w:m</c> set <c>media_conn</c>); its lifetime counts from <paramref name="askedAt"/>.</summary>
public sealed class MediaConnSpec(DateTimeOffset askedAt) : IIqSpec<MediaConnection>
{
    public BinaryNode Build(string id) =>
        new("iq", [("id", id), ("type", "set"), ("xmlns", "w:m"), ("to", Jid.ServerJid.ToString())], [new BinaryNode("media_conn")]);

    public MediaConnection Parse(BinaryNode response) => MediaConnection.Parse(response, askedAt);
}

using System.Text;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Tests.Iq;

/// <summary>
/// Nodes to and from the Baileys side of the iq proofs (tests/interop/handlers/iq.mjs): they travel in the binary
/// encoding, each side reading them with its own decoder, and are compared in one canonical text.
/// </summary>
internal static class IqWire
{
    public static string Encode(BinaryNode node) => Convert.ToBase64String(BinaryEncoder.Encode(node));

    public static BinaryNode Decode(string base64) => BinaryDecoder.Decode(Convert.FromBase64String(base64));

    /// <summary>
    /// The node's structure with every byte shown: attributes sorted by name (a map on the wire: Baileys' encoder
    /// writes its object's order, ours our builder's), children in order, content in hex, text as its UTF-8 (the
    /// wire gives content no kind: a decoder reads a string and its bytes alike).
    /// </summary>
    public static string Canonical(BinaryNode node)
    {
        var builder = new StringBuilder();
        Render(node, builder, 0);
        return builder.ToString();
    }

    private static void Render(BinaryNode node, StringBuilder builder, int depth)
    {
        builder.Append(' ', depth * 2).Append('<').Append(node.Tag);
        foreach (var attribute in node.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            builder.Append(' ').Append(attribute.Key).Append("=\"").Append(attribute.Value).Append('"');
        }
        switch (node.ContentKind)
        {
            case NodeContentKind.Children:
                builder.Append(">\n");
                foreach (var child in node.Children) Render(child, builder, depth + 1);
                builder.Append(' ', depth * 2).Append("</").Append(node.Tag).Append(">\n");
                break;
            case NodeContentKind.Bytes:
            case NodeContentKind.Text:
                builder.Append(">0x").Append(Convert.ToHexString(node.ContentKind == NodeContentKind.Text ? Encoding.UTF8.GetBytes(node.Text!) : node.Bytes.Span))
                    .Append("</").Append(node.Tag).Append(">\n");
                break;
            default:
                builder.Append("/>\n");
                break;
        }
    }
}

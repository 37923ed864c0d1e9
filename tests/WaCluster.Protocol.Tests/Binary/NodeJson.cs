using System.Text.Json;
using System.Text.Json.Serialization;
using WaCluster.Protocol.Binary;
using WaCluster.TestSupport;

namespace WaCluster.Protocol.Tests.Binary;

/// <summary>A node as it travels to and from the Node peer (see tests/interop/handlers/codec.mjs).</summary>
/// The harness serializes requests with default options, hence the explicit camelCase names.
public sealed record NodeDto(
    [property: JsonPropertyName("tag")] string Tag,
    [property: JsonPropertyName("attrs")] string[][] Attrs,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("children")] NodeDto[]? Children = null,
    [property: JsonPropertyName("bytes")] string? Bytes = null,
    [property: JsonPropertyName("text")] string? Text = null);

/// <summary>Baileys' decode of a frame: the node and Baileys' re-encoding of it, or the error it raised.</summary>
public sealed record DecodeResult(NodeDto? Node, string? Reencoded, string? Error);

internal static class NodeJson
{
    public static NodeDto ToDto(BinaryNode node) => new(
        node.Tag,
        [.. node.Attributes.Select(a => new[] { a.Key, a.Value! })],
        node.ContentKind switch
        {
            NodeContentKind.Children => "children",
            NodeContentKind.Bytes => "bytes",
            NodeContentKind.Text => "text",
            _ => "none",
        },
        node.ContentKind == NodeContentKind.Children ? [.. node.Children.Select(ToDto)] : null,
        node.ContentKind == NodeContentKind.Bytes ? Convert.ToBase64String(node.Bytes.Span) : null,
        node.Text);

    /// <summary>
    /// The node with its attributes in the order a JS object enumerates them: array-index keys ("0", "17") first in
    /// ascending order, then the rest in insertion order. Baileys' attrs object cannot keep any other order.
    /// </summary>
    public static BinaryNode InJsObjectOrder(BinaryNode node)
    {
        var attributes = node.Attributes.Where(a => IsArrayIndex(a.Key)).OrderBy(a => ulong.Parse(a.Key))
            .Concat(node.Attributes.Where(a => !IsArrayIndex(a.Key))).ToArray();
        return node.ContentKind switch
        {
            NodeContentKind.Children => new BinaryNode(node.Tag, attributes, [.. node.Children.Select(InJsObjectOrder)]),
            NodeContentKind.Bytes => new BinaryNode(node.Tag, attributes, node.Bytes),
            NodeContentKind.Text => new BinaryNode(node.Tag, attributes, node.Text!),
            _ => new BinaryNode(node.Tag, attributes),
        };
    }

    /// <summary>Canonical array-index strings: decimal without leading zeros, below 2^32 - 1.</summary>
    public static bool IsArrayIndex(string key) =>
        key.Length > 0 && (key == "0" || key[0] != '0') && key.All(char.IsAsciiDigit) && ulong.TryParse(key, out var value) && value < uint.MaxValue;

    /// <summary>Canonical text of a node's structure, for equality assertions with readable failures.</summary>
    public static string Canonical(NodeDto dto) => JsonSerializer.Serialize(dto, NodeHarness.JsonOptions);

    public static string Canonical(BinaryNode node) => Canonical(ToDto(node));
}

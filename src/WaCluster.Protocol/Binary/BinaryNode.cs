using System.Globalization;
using System.Text;
using WaCluster.Protocol.Jids;

namespace WaCluster.Protocol.Binary;

/// <summary>
/// An immutable node of the WhatsApp binary XML: a tag, ordered attributes and at most one kind of content
/// (children, bytes or a string). Build with collection expressions:
/// <c>new BinaryNode("iq", [("id", id), ("type", "get")], [new BinaryNode("ping")])</c>.
/// </summary>
public sealed class BinaryNode
{
    private readonly NodeAttribute[] _attributes;
    private readonly BinaryNode[]? _children;
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _bytes;

    /// <summary>A node without content. Attributes with a null value are dropped; duplicate keys are rejected.</summary>
    public BinaryNode(string tag, ReadOnlySpan<NodeAttribute> attributes = default)
        : this(tag, CopyAttributes(attributes), NodeContentKind.None, null, null, default)
    {
    }

    /// <summary>A node with a child list (the span is copied; an empty span still writes an empty list).</summary>
    public BinaryNode(string tag, ReadOnlySpan<NodeAttribute> attributes, ReadOnlySpan<BinaryNode> children)
        : this(tag, CopyAttributes(attributes), NodeContentKind.Children, CopyChildren(children), null, default)
    {
    }

    /// <summary>A node with byte content. The memory is referenced, not copied: do not change it afterwards.</summary>
    public BinaryNode(string tag, ReadOnlySpan<NodeAttribute> attributes, ReadOnlyMemory<byte> bytes)
        : this(tag, CopyAttributes(attributes), NodeContentKind.Bytes, null, null, bytes)
    {
    }

    /// <summary>A node with string content, written with the same rules as attribute values.</summary>
    public BinaryNode(string tag, ReadOnlySpan<NodeAttribute> attributes, string text)
        : this(tag, CopyAttributes(attributes), NodeContentKind.Text, null, text ?? throw new ArgumentNullException(nameof(text)), default)
    {
    }

    /// <summary>Takes ownership of already validated arrays (decoder path).</summary>
    internal BinaryNode(string tag, NodeAttribute[] attributes, NodeContentKind kind, BinaryNode[]? children, string? text, ReadOnlyMemory<byte> bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        Tag = tag;
        _attributes = attributes;
        ContentKind = kind;
        _children = children;
        _text = text;
        _bytes = bytes;
    }

    public string Tag { get; }

    public NodeAttributes Attributes => new(_attributes);

    public NodeContentKind ContentKind { get; }

    /// <summary>The child nodes; empty unless <see cref="ContentKind"/> is <see cref="NodeContentKind.Children"/>.</summary>
    public NodeList Children => new(_children);

    /// <summary>The byte content; empty unless <see cref="ContentKind"/> is <see cref="NodeContentKind.Bytes"/>.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>The string content, or null unless <see cref="ContentKind"/> is <see cref="NodeContentKind.Text"/>.</summary>
    public string? Text => _text;

    /// <summary>String or byte content read as text (bytes as UTF-8), else null.</summary>
    public string? ContentAsString => ContentKind switch
    {
        NodeContentKind.Text => _text,
        NodeContentKind.Bytes => Encoding.UTF8.GetString(_bytes.Span),
        _ => null,
    };

    public string? this[string attributeKey] => Attributes.Get(attributeKey);

    public string? GetAttribute(string key) => Attributes.Get(key);

    public string RequireAttribute(string key) =>
        Attributes.Get(key) ?? throw new NodeFormatException($"<{Tag}> lacks attribute '{key}'");

    /// <summary>The attribute parsed as a JID; null when absent or not a JID.</summary>
    public Jid? GetJid(string key) => Jid.TryParse(Attributes.Get(key), out var jid) ? jid : null;

    public Jid RequireJid(string key) =>
        Jid.TryParse(RequireAttribute(key), out var jid) ? jid : throw new NodeFormatException($"<{Tag}> attribute '{key}' is not a JID");

    public bool TryGetInt64(string key, out long value) =>
        long.TryParse(Attributes.Get(key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public long RequireInt64(string key) =>
        TryGetInt64(key, out var value) ? value : throw new NodeFormatException($"<{Tag}> attribute '{key}' is not an integer");

    /// <summary>The first child with <paramref name="tag"/>, or null.</summary>
    public BinaryNode? GetChild(string tag)
    {
        if (_children is null) return null;
        foreach (var child in _children)
        {
            if (string.Equals(child.Tag, tag, StringComparison.Ordinal)) return child;
        }
        return null;
    }

    public BinaryNode RequireChild(string tag) => GetChild(tag) ?? throw new NodeFormatException($"<{Tag}> lacks child <{tag}>");

    /// <summary>Every child with <paramref name="tag"/>, in order.</summary>
    public IEnumerable<BinaryNode> GetChildren(string tag)
    {
        if (_children is null) yield break;
        foreach (var child in _children)
        {
            if (string.Equals(child.Tag, tag, StringComparison.Ordinal)) yield return child;
        }
    }

    /// <summary>XML-like rendering for logs: byte content shows only its length, never its value.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        Render(builder);
        return builder.ToString();
    }

    private void Render(StringBuilder builder)
    {
        builder.Append('<').Append(Tag);
        foreach (var attribute in _attributes) builder.Append(' ').Append(attribute.Key).Append("=\"").Append(attribute.Value).Append('"');
        switch (ContentKind)
        {
            case NodeContentKind.None:
                builder.Append("/>");
                return;
            case NodeContentKind.Children:
                builder.Append('>');
                foreach (var child in _children!) child.Render(builder);
                break;
            case NodeContentKind.Bytes:
                builder.Append(">[").Append(_bytes.Length).Append(" bytes]");
                break;
            case NodeContentKind.Text:
                builder.Append('>').Append(_text);
                break;
        }
        builder.Append("</").Append(Tag).Append('>');
    }

    private static NodeAttribute[] CopyAttributes(ReadOnlySpan<NodeAttribute> attributes)
    {
        var count = 0;
        foreach (ref readonly var attribute in attributes)
        {
            ArgumentNullException.ThrowIfNull(attribute.Key, "attribute key");
            if (attribute.Value is not null) count++;
        }
        if (count == 0) return [];
        var result = new NodeAttribute[count];
        var next = 0;
        foreach (ref readonly var attribute in attributes)
        {
            if (attribute.Value is null) continue;
            for (var i = 0; i < next; i++)
            {
                if (string.Equals(result[i].Key, attribute.Key, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"duplicate attribute '{attribute.Key}'", nameof(attributes));
                }
            }
            result[next++] = attribute;
        }
        return result;
    }

    private static BinaryNode[] CopyChildren(ReadOnlySpan<BinaryNode> children)
    {
        foreach (var child in children) ArgumentNullException.ThrowIfNull(child, nameof(children));
        return children.ToArray();
    }
}

namespace WaCluster.Protocol.Binary;

/// <summary>
/// Per-thread working memory of the decoder. Children, attributes and JID text are gathered here and copied out at
/// their exact size, so a lying length field never sizes an allocation: memory grows only with data actually read.
/// </summary>
internal sealed class DecoderScratch
{
    private const int MaxRetainedItems = 1 << 16;

    [ThreadStatic]
    private static DecoderScratch? _cached;

    public BinaryNode[] Nodes = new BinaryNode[64];
    public int NodeCount;
    public NodeAttribute[] Attributes = new NodeAttribute[16];
    public char[] Chars = new char[256];
    public int CharCount;

    public static DecoderScratch Rent()
    {
        var scratch = _cached ?? new DecoderScratch();
        _cached = null;
        return scratch;
    }

    public static void Return(DecoderScratch scratch)
    {
        // Drop references to nodes of a failed decode, and oversized arrays left by a huge frame.
        Array.Clear(scratch.Nodes, 0, scratch.NodeCount);
        scratch.NodeCount = 0;
        scratch.CharCount = 0;
        if (scratch.Nodes.Length > MaxRetainedItems) scratch.Nodes = new BinaryNode[64];
        if (scratch.Attributes.Length > MaxRetainedItems) scratch.Attributes = new NodeAttribute[16];
        else Array.Clear(scratch.Attributes);
        if (scratch.Chars.Length > MaxRetainedItems) scratch.Chars = new char[256];
        _cached = scratch;
    }

    public void PushNode(BinaryNode node)
    {
        if (NodeCount == Nodes.Length) Array.Resize(ref Nodes, Nodes.Length * 2);
        Nodes[NodeCount++] = node;
    }

    public BinaryNode[] PopNodes(int start)
    {
        var count = NodeCount - start;
        var result = new BinaryNode[count];
        Array.Copy(Nodes, start, result, 0, count);
        Array.Clear(Nodes, start, count);
        NodeCount = start;
        return result;
    }

    public void EnsureAttributes(int count)
    {
        if (count > Attributes.Length) Array.Resize(ref Attributes, Math.Max(count, Attributes.Length * 2));
    }

    /// <summary>Room for <paramref name="count"/> more characters; returns the span to write them into.</summary>
    public Span<char> ReserveChars(int count)
    {
        if (CharCount + count > Chars.Length) Array.Resize(ref Chars, Math.Max(CharCount + count, Chars.Length * 2));
        return Chars.AsSpan(CharCount, count);
    }

    public void AppendChars(ReadOnlySpan<char> text)
    {
        text.CopyTo(ReserveChars(text.Length));
        CharCount += text.Length;
    }

    public void AppendChar(char c)
    {
        if (CharCount == Chars.Length) Array.Resize(ref Chars, Chars.Length * 2);
        Chars[CharCount++] = c;
    }
}

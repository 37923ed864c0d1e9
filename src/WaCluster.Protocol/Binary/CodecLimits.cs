namespace WaCluster.Protocol.Binary;

/// <summary>Limits shared by encoder and decoder, so that whatever we encode we can decode.</summary>
public static class CodecLimits
{
    /// <summary>Deepest node nesting accepted (real stanzas nest fewer than 10 levels).</summary>
    public const int MaxNodeDepth = 256;

    /// <summary>Deepest nesting of JIDs inside the user part of a JID (only crafted input nests at all).</summary>
    public const int MaxStringDepth = 64;

    /// <summary>Largest list (attributes or children) the 16-bit size field can carry.</summary>
    public const int MaxListSize = ushort.MaxValue;

    /// <summary>Default cap on a decompressed frame (the transport caps frames at 16 MiB too).</summary>
    public const int DefaultMaxDecompressedSize = 16 << 20;
}

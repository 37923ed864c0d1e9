namespace WaCluster.Protocol.Binary;

/// <summary>Type bytes of the WhatsApp binary node format (bytes 1..235 are single-byte tokens).</summary>
internal static class BinaryTags
{
    public const byte ListEmpty = 0;
    public const byte Dictionary0 = 236;
    public const byte Dictionary3 = 239;
    public const byte InteropJid = 245;
    public const byte FbJid = 246;
    public const byte AdJid = 247;
    public const byte List8 = 248;
    public const byte List16 = 249;
    public const byte JidPair = 250;
    public const byte Hex8 = 251;
    public const byte Binary8 = 252;
    public const byte Binary20 = 253;
    public const byte Binary32 = 254;
    public const byte Nibble8 = 255;

    /// <summary>Longest string written in packed (nibble/hex) form: its half-length must fit in 7 bits.</summary>
    public const int PackedMax = 127;

    /// <summary>AD_JID domain types.</summary>
    public const byte DomainWhatsApp = 0;
    public const byte DomainLid = 1;
    public const byte DomainHosted = 128;
    public const byte DomainHostedLid = 129;
}

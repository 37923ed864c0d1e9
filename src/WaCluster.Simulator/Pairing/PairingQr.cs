namespace WaCluster.Simulator.Pairing;

/// <summary>
/// The text of a companion's QR code: ref, base64 noise key, base64 identity key, base64 ADV secret, and (newer
/// clients) the platform id, comma separated; Baileys 7 prefixes it with the linked-devices URL, older clients don't.
/// </summary>
public sealed record PairingQr(string Ref, byte[] NoiseKey, byte[] IdentityKey, byte[] AdvSecret, string? PlatformId)
{
    private const string LinkPrefix = "https://wa.me/settings/linked_devices#";

    public static PairingQr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (text.StartsWith(LinkPrefix, StringComparison.Ordinal)) text = text[LinkPrefix.Length..];
        var parts = text.Split(',');
        if (parts.Length is < 4 or > 5) throw new SimulatorException($"QR text has {parts.Length} comma-separated parts, expected 4 or 5");
        if (parts[0].Length == 0) throw new SimulatorException("QR text has an empty ref");
        return new PairingQr(
            parts[0],
            Key(parts[1], "noise key", 32),
            Key(parts[2], "identity key", 32),
            Key(parts[3], "ADV secret", 32),
            parts.Length == 5 && parts[4].Length > 0 ? parts[4] : null);
    }

    private static byte[] Key(string base64, string what, int length)
    {
        var buffer = new byte[length];
        if (!Convert.TryFromBase64String(base64, buffer, out var written) || written != length)
        {
            throw new SimulatorException($"QR {what} is not {length} bytes of base64");
        }
        return buffer;
    }

    public override string ToString() => $"QR(ref {Ref})";
}

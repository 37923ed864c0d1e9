using System.Globalization;

namespace WaCluster.Signal;

/// <summary>One device of a peer: libsignal's address, written "name.deviceId" (the WhatsApp user and device).</summary>
public readonly record struct ProtocolAddress
{
    public ProtocolAddress(string name, uint deviceId)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
        {
            throw new ArgumentException($"address name must be non-empty and contain no '.': '{name}'", nameof(name));
        }
        Name = name;
        DeviceId = deviceId;
    }

    public string Name { get; }

    public uint DeviceId { get; }

    public static ProtocolAddress Parse(string encoded)
    {
        var dot = encoded.LastIndexOf('.');
        if (dot <= 0 || !uint.TryParse(encoded.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var device))
        {
            throw new FormatException($"not a protocol address: '{encoded}'");
        }
        return new ProtocolAddress(encoded[..dot], device);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}.{DeviceId}");
}

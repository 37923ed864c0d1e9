using System.Globalization;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Simulator;
using WaCluster.TestSupport.Companions;

namespace WaCluster.Benchmarks;

/// <summary>A linked companion device: what a client keeps to log in again.</summary>
internal sealed record SimulatorCompanion(string Phone, uint Device, KeyPair NoiseKey)
{
    // One line per companion on the load client's stdin; carries the private Noise key, so it never goes to a log.
    public string ToLine() => string.Join(' ', Phone, Device.ToString(CultureInfo.InvariantCulture),
        Convert.ToBase64String(NoiseKey.PrivateKey), Convert.ToBase64String(NoiseKey.PublicKey));

    public static SimulatorCompanion Parse(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length != 4) throw new FormatException("companion line needs phone, device, private and public Noise key");
        return new SimulatorCompanion(parts[0], uint.Parse(parts[1], CultureInfo.InvariantCulture),
            new KeyPair(Convert.FromBase64String(parts[3]), Convert.FromBase64String(parts[2])));
    }

    public override string ToString() => $"{Phone}:{Device}";
}

/// <summary>Links companions through <see cref="CompanionRegistration"/> over a <see cref="SimulatorSocket"/>; the simulated phone scans in-process.</summary>
internal static class SimulatorCompanionLinker
{
    public static async Task<SimulatorCompanion> LinkAsync(SimulatorHost host, CertificateChainVerifier verifier, CancellationToken token)
    {
        var companion = new CompanionRegistration();
        await using var registering = await SimulatorSocket.ConnectAsync(host.ChatUri, verifier, companion.NoiseKey, companion.Payload, null, token);
        var account = await companion.LinkAsync(registering, qr => host.Simulator.ScanAsync(qr, cancellationToken: token), token);
        var device = uint.Parse(account.DeviceJid!.Split(':', '@')[1], CultureInfo.InvariantCulture);
        return new SimulatorCompanion(account.Phone, device, companion.NoiseKey);
    }
}

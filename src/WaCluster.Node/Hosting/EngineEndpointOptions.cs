using System.Security.Cryptography.X509Certificates;
using WaCluster.Engine;
using WaCluster.Engine.Media;
using WaCluster.Protocol.Noise.Certificates;

namespace WaCluster.Node.Hosting;

/// <summary>The WhatsApp server the node's account engines connect to: the real one, or a simulator.</summary>
public sealed record EngineEndpointOptions
{
    public Uri ServerUri { get; init; } = new EngineOptions().ServerUri;

    /// <summary>Public key at the root of the server's certificate chain; null = WhatsApp's own. A simulator has its own root.</summary>
    public byte[]? CertificateRootPublicKey { get; init; }

    /// <summary>Pre-keys uploaded at pairing (WhatsApp Web uploads 812; a simulator needs far fewer).</summary>
    public int? InitialPreKeyCount { get; init; }

    /// <summary>Trust decision for the media hosts' TLS certificates; null = the platform's (a simulator's host is self-signed).</summary>
    public MediaCertificateValidator? MediaCertificateValidator { get; init; }

    /// <summary>
    /// A simulator at <paramref name="chatUri"/> whose certificate chain starts at <paramref name="rootPublicKey"/>, and
    /// whose media host presents <paramref name="mediaCertificate"/> when given.
    /// </summary>
    public static EngineEndpointOptions Simulator(Uri chatUri, byte[] rootPublicKey, X509Certificate2? mediaCertificate = null) => new()
    {
        ServerUri = chatUri,
        CertificateRootPublicKey = rootPublicKey,
        InitialPreKeyCount = 30,
        MediaCertificateValidator = mediaCertificate is null ? null : MediaTls.Pinned(mediaCertificate),
    };

    public EngineOptions ToEngineOptions()
    {
        var options = new EngineOptions { ServerUri = ServerUri, MediaCertificateValidator = MediaCertificateValidator };
        if (CertificateRootPublicKey is not null)
        {
            options = options with { CertificateVerifier = new CertificateChainVerifier(CertificateRootPublicKey) };
        }
        if (InitialPreKeyCount is { } count)
        {
            options = options with { InitialPreKeyCount = count };
        }
        return options;
    }
}

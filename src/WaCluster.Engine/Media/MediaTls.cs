using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace WaCluster.Engine.Media;

/// <summary>
/// Decides whether the media host's TLS certificate is trusted. Null in <see cref="EngineOptions"/> means the
/// platform's normal chain validation; <see cref="Pinned"/> trusts exactly one certificate (a simulator's self-signed one).
/// </summary>
public delegate bool MediaCertificateValidator(X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors);

public static class MediaTls
{
    /// <summary>Accepts the connection only if the server presents exactly <paramref name="pinned"/> (compared by its SHA-256 hash).</summary>
    public static MediaCertificateValidator Pinned(X509Certificate2 pinned)
    {
        var expected = pinned.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        return (certificate, _, _) => certificate is not null && certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256).AsSpan().SequenceEqual(expected);
    }

    internal static HttpClient CreateClient(EngineOptions options)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = options.ConnectTimeout };
        if (options.MediaCertificateValidator is { } validator)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                validator(certificate as X509Certificate2 ?? (certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())), chain, errors);
        }
        return new HttpClient(handler) { Timeout = options.MediaTransferTimeout };
    }
}

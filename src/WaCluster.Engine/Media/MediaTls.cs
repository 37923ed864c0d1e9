using System.Net.Security;
using System.Runtime.CompilerServices;
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

    // Connection pools are shared by every engine with the same trust decision: thousands of accounts, few pools.
    private static readonly ConditionalWeakTable<MediaCertificateValidator, SocketsHttpHandler> PinnedHandlers = new();
    private static readonly Lazy<SocketsHttpHandler> PlatformHandler = new(() => CreateHandler(null));

    internal static HttpClient CreateClient(EngineOptions options)
    {
        var handler = options.MediaCertificateValidator is { } validator ? PinnedHandlers.GetValue(validator, CreateHandler) : PlatformHandler.Value;
        return new HttpClient(handler, disposeHandler: false) { Timeout = options.MediaTransferTimeout };
    }

    private static SocketsHttpHandler CreateHandler(MediaCertificateValidator? validator)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(20) };
        if (validator is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                validator(certificate as X509Certificate2 ?? (certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())), chain, errors);
        }
        return handler;
    }
}

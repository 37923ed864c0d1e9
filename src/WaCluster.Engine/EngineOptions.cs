using WaCluster.Core.Connection;
using WaCluster.Protocol.Noise.Certificates;

namespace WaCluster.Engine;

/// <summary>How the engine presents itself and paces itself. Defaults follow Baileys 7's defaults.</summary>
public sealed record EngineOptions
{
    public Uri ServerUri { get; init; } = new("wss://web.whatsapp.com/ws/chat");

    /// <summary>Trust anchor of the server's certificate chain: WhatsApp's root, or a simulator's.</summary>
    public CertificateChainVerifier CertificateVerifier { get; init; } = CertificateChainVerifier.WhatsApp;

    /// <summary>WhatsApp Web version announced in the ClientPayload (Baileys 7.0.0-rc14's default).</summary>
    public IReadOnlyList<uint> Version { get; init; } = [2, 3000, 1043857760];

    /// <summary>(os, browser, os version) like Baileys' <c>Browsers.macOS('Chrome')</c>.</summary>
    public BrowserDescription Browser { get; init; } = new("Mac OS", "Chrome", "14.4.1");

    public string CountryCode { get; init; } = "US";

    /// <summary>What the ClientPayload and the pairing stanzas announce of this client.</summary>
    public ClientIdentity Identity => new(Version, Browser, CountryCode, SyncFullHistory);

    /// <summary>
    /// Ask the phone for the full history at linking (Baileys' syncFullHistory, which Baileys defaults to true); off, the
    /// phone sends the recent window only, which is what an account needs to start from and far less to download.
    /// </summary>
    public bool SyncFullHistory { get; init; }

    /// <summary>Largest encrypted history chunk downloaded; a chunk declaring or delivering more is refused.</summary>
    public long MaxHistoryBlobBytes { get; init; } = 64L << 20;

    /// <summary>Largest inflated history chunk read; one inflating past it is refused (an inflation bomb stops there).</summary>
    public long MaxHistoryInflatedBytes { get; init; } = 512L << 20;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan DefaultQueryTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest a sent message waits for the server's ack before the send fails (to be resent with its id).</summary>
    public TimeSpan MessageAckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest the offline burst is held after login when the server's offline marker does not come (Baileys' event
    /// buffer timeout): then what was held is announced anyway and later messages pass straight through.
    /// </summary>
    public TimeSpan OfflineBurstTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The host announces received messages itself, from the state changes it journals (each carries the messages it
    /// made durable): the engine then emits no <see cref="Core.Events.MessagesUpsert"/>, nor the reactions and message
    /// updates (edits, revokes) those messages carry, so that no fact reaches subscribers twice.
    /// </summary>
    public bool HostAnnouncesReceivedMessages { get; init; }

    /// <summary>How long a user's device list from usync is reused before it is asked again (Baileys: 5 minutes).</summary>
    public TimeSpan DeviceListLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Lifetime of the first QR (Baileys: 60 s); every later one lives <see cref="LaterQrTimeout"/> (20 s).</summary>
    public TimeSpan FirstQrTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan LaterQrTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Pre-keys uploaded when the server holds none (Baileys' INITIAL_PREKEY_COUNT).</summary>
    public int InitialPreKeyCount { get; init; } = 812;

    /// <summary>Server count at or below which we top up (Baileys' MIN_PREKEY_COUNT), and the top-up size.</summary>
    public int MinPreKeyCount { get; init; } = 5;

    /// <summary>
    /// Trust decision for the media hosts' TLS certificates; null uses the platform's chain validation. Use
    /// <see cref="Media.MediaTls.Pinned"/> for a simulator's self-signed certificate.
    /// </summary>
    public Media.MediaCertificateValidator? MediaCertificateValidator { get; init; }

    /// <summary>Media hosts tried before the ones media_conn lists (Baileys' customUploadHosts).</summary>
    public IReadOnlyList<string> CustomMediaHosts { get; init; } = [];

    /// <summary>Longest a single media upload or download may take.</summary>
    public TimeSpan MediaTransferTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Where encrypted and decrypted media are staged while they stream; null is the system temp directory.</summary>
    public string? MediaTempDirectory { get; init; }
}

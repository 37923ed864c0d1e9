using WaCluster.Core.Connection;
using WaCluster.Core.Creds;

namespace WaCluster.Core.Pairing;

/// <summary>
/// The text of a pairing QR code as WhatsApp Web 2.3000 builds it: the linked-devices URL, then
/// <c>ref,noiseKey,identityKey,advSecret,platformId</c> with the keys in standard base64.
/// </summary>
public static class PairingQr
{
    public const string UrlPrefix = "https://wa.me/settings/linked_devices#";

    public static string Build(string reference, AuthCreds creds, BrowserDescription browser) =>
        UrlPrefix + string.Join(',',
            reference,
            Convert.ToBase64String(creds.NoiseKey.PublicKey),
            Convert.ToBase64String(creds.SignedIdentityKey.PublicKey),
            Convert.ToBase64String(creds.AdvSecretKey),
            CompanionPlatformId(browser));

    /// <summary>The companion web client type the phone shows: desktop apps by OS, browsers by name.</summary>
    public static string CompanionPlatformId(BrowserDescription browser)
    {
        var type = browser.Name switch
        {
            "Desktop" => browser.Os == "Windows" ? CompanionWebClientType.Uwp : CompanionWebClientType.Electron,
            "Chrome" => CompanionWebClientType.Chrome,
            "Edge" => CompanionWebClientType.Edge,
            "Firefox" => CompanionWebClientType.Firefox,
            "IE" => CompanionWebClientType.Ie,
            "Opera" => CompanionWebClientType.Opera,
            "Safari" => CompanionWebClientType.Safari,
            _ => CompanionWebClientType.OtherWebClient,
        };
        return ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private enum CompanionWebClientType
    {
        Chrome = 1,
        Edge = 2,
        Firefox = 3,
        Ie = 4,
        Opera = 5,
        Safari = 6,
        Electron = 7,
        Uwp = 8,
        OtherWebClient = 9,
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using WaCluster.Core.Creds;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.Connection;

/// <summary>How this client presents itself to the server: web version, browser triple, country, full-history wish.</summary>
public sealed record ClientIdentity(IReadOnlyList<uint> Version, BrowserDescription Browser, string CountryCode, bool SyncFullHistory);

/// <summary>The browser triple Baileys calls <c>browser</c>: operating system, browser name, os version.</summary>
public sealed record BrowserDescription(string Os, string Name, string OsVersion);

/// <summary>
/// The ClientPayload sent inside the Noise ClientFinish: a registration payload (device pairing data) for a device
/// that is not linked yet, a login payload (our number and device) afterwards. Field for field what Baileys sends.
/// </summary>
public static class ClientPayloadFactory
{
    public static ClientPayload ForCreds(AuthCreds creds, ClientIdentity options) =>
        creds.IsPaired ? ForLogin(Jid.Parse(creds.Me!.Id), options) : ForRegistration(creds, options);

    public static ClientPayload ForLogin(Jid me, ClientIdentity options)
    {
        if (!ulong.TryParse(me.User, out var username))
        {
            throw new EngineException($"own JID {me} has no numeric user to log in with");
        }
        var payload = Common(options);
        payload.Passive = true;
        payload.Pull = true;
        payload.Username = username;
        payload.Device = me.Device;
        payload.LidDbMigrated = false;
        return payload;
    }

    public static ClientPayload ForRegistration(AuthCreds creds, ClientIdentity options)
    {
        var payload = Common(options);
        payload.Passive = false;
        payload.Pull = false;
        payload.DevicePairingData = new ClientPayload.Types.DevicePairingRegistrationData
        {
            BuildHash = ByteString.CopyFrom(MD5.HashData(Encoding.UTF8.GetBytes(string.Join('.', options.Version)))),
            DeviceProps = CompanionProps(options).ToByteString(),
            ERegid = ByteString.CopyFrom(BigEndian(creds.RegistrationId, 4)),
            EKeytype = ByteString.CopyFrom([Curve25519.DjbKeyType]),
            EIdent = ByteString.CopyFrom(creds.SignedIdentityKey.PublicKey),
            ESkeyId = ByteString.CopyFrom(BigEndian(creds.SignedPreKey.Id, 3)),
            ESkeyVal = ByteString.CopyFrom(creds.SignedPreKey.KeyPair.PublicKey),
            ESkeySig = ByteString.CopyFrom(creds.SignedPreKey.Signature),
        };
        return payload;
    }

    /// <summary>Big-endian unsigned integer in <paramref name="length"/> bytes (higher bytes dropped, like Baileys).</summary>
    internal static byte[] BigEndian(uint value, int length)
    {
        Span<byte> full = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(full, value);
        return full[(4 - length)..].ToArray();
    }

    private static ClientPayload Common(ClientIdentity options)
    {
        var isAndroid = IsAndroid(options.Browser);
        var payload = new ClientPayload
        {
            ConnectType = ClientPayload.Types.ConnectType.WifiUnknown,
            ConnectReason = ClientPayload.Types.ConnectReason.UserActivated,
            UserAgent = new ClientPayload.Types.UserAgent
            {
                AppVersion = new ClientPayload.Types.UserAgent.Types.AppVersion
                {
                    Primary = options.Version[0],
                    Secondary = options.Version[1],
                    Tertiary = options.Version[2],
                },
                Platform = isAndroid ? ClientPayload.Types.UserAgent.Types.Platform.Android : ClientPayload.Types.UserAgent.Types.Platform.Web,
                ReleaseChannel = ClientPayload.Types.UserAgent.Types.ReleaseChannel.Release,
                OsVersion = "0.1",
                Device = "Desktop",
                OsBuildNumber = "0.1",
                LocaleLanguageIso6391 = "en",
                Mnc = "000",
                Mcc = "000",
                LocaleCountryIso31661Alpha2 = options.CountryCode,
            },
        };
        if (!isAndroid)
        {
            payload.WebInfo = new ClientPayload.Types.WebInfo { WebSubPlatform = WebSubPlatform(options) };
        }
        return payload;
    }

    // Only a full-history desktop app on macOS or Windows announces its native sub-platform.
    private static ClientPayload.Types.WebInfo.Types.WebSubPlatform WebSubPlatform(ClientIdentity options) =>
        (options.SyncFullHistory && options.Browser.Name == "Desktop", options.Browser.Os) switch
        {
            (true, "Mac OS") => ClientPayload.Types.WebInfo.Types.WebSubPlatform.Darwin,
            (true, "Windows") => ClientPayload.Types.WebInfo.Types.WebSubPlatform.Win32,
            _ => ClientPayload.Types.WebInfo.Types.WebSubPlatform.WebBrowser,
        };

    private static DeviceProps CompanionProps(ClientIdentity options) => new()
    {
        Os = options.Browser.Os,
        PlatformType = PlatformType(options.Browser.Name),
        RequireFullSync = options.SyncFullHistory,
        HistorySyncConfig = new DeviceProps.Types.HistorySyncConfig
        {
            StorageQuotaMb = 10240,
            InlineInitialPayloadInE2EeMsg = true,
            SupportCallLogHistory = false,
            SupportBotUserAgentChatHistory = true,
            SupportCagReactionsAndPolls = true,
            SupportBizHostedMsg = true,
            SupportRecentSyncChunkMessageCountTuning = true,
            SupportHostedGroupMsg = true,
            SupportFbidBotChatHistory = true,
            SupportMessageAssociation = true,
            SupportGroupHistory = false,
        },
        Version = new DeviceProps.Types.AppVersion { Primary = 10, Secondary = 15, Tertiary = 7 },
    };

    // The browser name picks the platform type by enum name; unknown names count as Chrome.
    private static DeviceProps.Types.PlatformType PlatformType(string browserName)
    {
        var upper = browserName.ToUpperInvariant();
        if (upper == "ANDROID") return DeviceProps.Types.PlatformType.AndroidPhone;
        var enumType = DeviceProps.Descriptor.EnumTypes.First(e => e.Name == "PlatformType");
        if (enumType.FindValueByName(upper) is { Number: > 0 } known) return (DeviceProps.Types.PlatformType)known.Number;
        return DeviceProps.Types.PlatformType.Chrome;
    }

    private static bool IsAndroid(BrowserDescription browser) => browser.Name.Contains("android", StringComparison.OrdinalIgnoreCase);
}

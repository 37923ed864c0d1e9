namespace WaCluster.Protocol.Jids;

/// <summary>The servers (domains) a JID can name.</summary>
public static class JidServer
{
    /// <summary>Phone-number users (PN) and the server itself (<c>@s.whatsapp.net</c>).</summary>
    public const string User = "s.whatsapp.net";

    /// <summary>Legacy user domain; normalized to <see cref="User"/> by <see cref="Jid.ToUserJid"/>.</summary>
    public const string LegacyUser = "c.us";

    public const string Group = "g.us";
    public const string Broadcast = "broadcast";
    public const string Lid = "lid";
    public const string Newsletter = "newsletter";
    public const string Call = "call";
    public const string Hosted = "hosted";
    public const string HostedLid = "hosted.lid";
    public const string Bot = "bot";
    public const string Interop = "interop";
    public const string Messenger = "msgr";

    /// <summary>The shared instance of a well-known server, so parsed JIDs compare and hash cheaply.</summary>
    internal static string Intern(ReadOnlySpan<char> server) => server switch
    {
        User => User,
        Lid => Lid,
        Group => Group,
        Broadcast => Broadcast,
        Newsletter => Newsletter,
        LegacyUser => LegacyUser,
        Call => Call,
        Hosted => Hosted,
        HostedLid => HostedLid,
        Bot => Bot,
        Interop => Interop,
        Messenger => Messenger,
        _ => server.ToString(),
    };
}

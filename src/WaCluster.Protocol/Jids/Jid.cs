using System.Globalization;

namespace WaCluster.Protocol.Jids;

/// <summary>
/// A WhatsApp address, <c>user[_agent][:device]@server</c>, with the semantics of Baileys' <c>jidDecode</c>/<c>jidEncode</c>:
/// the user may be empty (<c>@s.whatsapp.net</c> is the server), agent and device 0 mean "none" and are not written.
/// </summary>
public readonly struct Jid : IEquatable<Jid>, ISpanFormattable
{
    private readonly string? _user;
    private readonly string? _server;

    public Jid(string user, string server, ushort device = 0, byte agent = 0)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(server);
        _user = user;
        _server = JidServer.Intern(server);
        Device = device;
        Agent = agent;
    }

    /// <summary>The server itself: <c>@s.whatsapp.net</c>.</summary>
    public static Jid ServerJid => new(string.Empty, JidServer.User);

    public static Jid StatusBroadcast => new("status", JidServer.Broadcast);

    /// <summary>WhatsApp's official business account, <c>16505361212@c.us</c>.</summary>
    public static Jid OfficialBusiness => new("16505361212", JidServer.LegacyUser);

    /// <summary>Public service announcements, <c>0@c.us</c>.</summary>
    public static Jid Psa => new("0", JidServer.LegacyUser);

    public string User => _user ?? string.Empty;

    public string Server => _server ?? string.Empty;

    /// <summary>Device number; 0 is the primary device (written without <c>:0</c>).</summary>
    public ushort Device { get; }

    /// <summary>Agent written after '_' in the user part; 0 when absent.</summary>
    public byte Agent { get; }

    public bool IsEmpty => _server is null;

    /// <summary>The AD_JID domain type Baileys derives: from the server for lid/hosted forms, else the agent.</summary>
    public JidDomainType DomainType => Server switch
    {
        JidServer.Lid => JidDomainType.Lid,
        JidServer.Hosted => JidDomainType.Hosted,
        JidServer.HostedLid => JidDomainType.HostedLid,
        _ => (JidDomainType)Agent,
    };

    /// <summary>A phone-number user (<c>@s.whatsapp.net</c>).</summary>
    public bool IsPnUser => Server == JidServer.User;

    public bool IsLid => Server == JidServer.Lid;

    public bool IsGroup => Server == JidServer.Group;

    public bool IsBroadcast => Server == JidServer.Broadcast;

    public bool IsStatusBroadcast => IsBroadcast && !IsAd && User == "status";

    public bool IsNewsletter => Server == JidServer.Newsletter;

    public bool IsHostedPn => Server == JidServer.Hosted;

    public bool IsHostedLid => Server == JidServer.HostedLid;

    public bool IsCall => Server == JidServer.Call;

    /// <summary>A specific device or agent of a user (an "AD" JID).</summary>
    public bool IsAd => Device != 0 || Agent != 0;

    /// <summary>The same user without agent and device.</summary>
    public Jid ToNonAd() => new(User, Server);

    /// <summary>Baileys' <c>jidNormalizedUser</c>: without agent and device, <c>c.us</c> becoming <c>s.whatsapp.net</c>.</summary>
    public Jid ToUserJid() => new(User, Server == JidServer.LegacyUser ? JidServer.User : Server);

    public Jid WithDevice(ushort device) => new(User, Server, device, Agent);

    public bool IsSameUser(Jid other) => string.Equals(User, other.User, StringComparison.Ordinal);

    public static Jid Parse(string text) =>
        TryParse(text, out var jid) ? jid : throw new JidFormatException($"not a JID: '{text}'");

    /// <summary>
    /// Parses <c>user[_agent][:device]@server</c> splitting like <c>jidDecode</c> (first '@', then ':' and '_').
    /// Refuses what Baileys would silently mangle: no '@', an empty server or one with '@', extra ':' or '_'
    /// sections, an agent or device that is not a decimal number in range.
    /// </summary>
    public static bool TryParse(string? text, out Jid jid) => TryParse(text.AsSpan(), out jid);

    public static bool TryParse(ReadOnlySpan<char> text, out Jid jid)
    {
        jid = default;
        var at = text.IndexOf('@');
        if (at < 0) return false;
        var server = text[(at + 1)..];
        if (server.IsEmpty || server.Contains('@')) return false;
        var user = text[..at];

        ushort device = 0;
        var colon = user.IndexOf(':');
        if (colon >= 0)
        {
            var deviceText = user[(colon + 1)..];
            if (deviceText.Length > 0 && !TryParseNumber(deviceText, out device)) return false;
            user = user[..colon];
        }
        byte agent = 0;
        var underscore = user.IndexOf('_');
        if (underscore >= 0)
        {
            var agentText = user[(underscore + 1)..];
            if (agentText.Length > 0)
            {
                if (!TryParseNumber(agentText, out var wideAgent) || wideAgent > byte.MaxValue) return false;
                agent = (byte)wideAgent;
            }
            user = user[..underscore];
        }
        jid = new Jid(user.ToString(), JidServer.Intern(server), device, agent);
        return true;
    }

    private static bool TryParseNumber(ReadOnlySpan<char> text, out ushort value) =>
        ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>Formats like Baileys' <c>jidEncode</c>.</summary>
    public override string ToString()
    {
        if (IsEmpty) return string.Empty;
        if (!IsAd) return string.Concat(User, "@", Server);
        var buffer = new char[User.Length + Server.Length + 11];
        TryFormat(buffer, out var written, default, null);
        return new string(buffer, 0, written);
    }

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        charsWritten = 0;
        var rest = destination;
        if (!Append(ref rest, User)) return false;
        if (Agent != 0 && !(Append(ref rest, "_") && AppendNumber(ref rest, Agent))) return false;
        if (Device != 0 && !(Append(ref rest, ":") && AppendNumber(ref rest, Device))) return false;
        if (!(Append(ref rest, "@") && Append(ref rest, Server))) return false;
        charsWritten = destination.Length - rest.Length;
        return true;
    }

    private static bool Append(ref Span<char> destination, ReadOnlySpan<char> text)
    {
        if (!text.TryCopyTo(destination)) return false;
        destination = destination[text.Length..];
        return true;
    }

    private static bool AppendNumber(ref Span<char> destination, int value)
    {
        if (!value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture)) return false;
        destination = destination[written..];
        return true;
    }

    public bool Equals(Jid other) =>
        Device == other.Device && Agent == other.Agent
        && string.Equals(_user, other._user, StringComparison.Ordinal)
        && string.Equals(_server, other._server, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Jid other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_user, _server, Device, Agent);

    public static bool operator ==(Jid left, Jid right) => left.Equals(right);

    public static bool operator !=(Jid left, Jid right) => !left.Equals(right);
}

using System.Globalization;
using WaCluster.Protocol.Binary;

namespace WaCluster.Core.Media;

/// <summary>What the server's <c>media_conn</c> answer grants: upload auth, the media hosts and how long they stay valid.</summary>
public sealed record MediaConnection(string Auth, IReadOnlyList<string> Hosts, TimeSpan Ttl, DateTimeOffset FetchedAt)
{
    public bool IsValidAt(DateTimeOffset now) => now - FetchedAt < Ttl;

    // The auth token grants uploads: keep it out of logs.
    public override string ToString() => $"MediaConnection({string.Join(", ", Hosts)}, ttl {Ttl})";

    internal static MediaConnection Parse(BinaryNode response, DateTimeOffset now)
    {
        var conn = response.GetChild("media_conn") ?? throw new MediaTransferException("media_conn response without media_conn");
        var auth = conn.GetAttribute("auth") ?? throw new MediaTransferException("media_conn without auth");
        var hosts = conn.GetChildren("host").Select(h => h.GetAttribute("hostname")).OfType<string>().Where(IsHostName).ToArray();
        if (hosts.Length == 0) throw new MediaTransferException("media_conn lists no usable host");
        var ttl = long.TryParse(conn.GetAttribute("ttl"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? Math.Min(seconds, 86_400) : 0;
        return new MediaConnection(auth, hosts, TimeSpan.FromSeconds(ttl), now);
    }

    // A host name goes into an https URL authority: refuse anything that could change the URL's meaning.
    private static bool IsHostName(string host) =>
        host.Length is > 0 and < 256 && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']');
}

using System.Globalization;
using WaCluster.Core.Connection;
using WaCluster.Protocol.Binary;

namespace WaCluster.Core.Stanzas;

/// <summary>Maps the server's closing stanzas (stream:error, failure) to a <see cref="DisconnectInfo"/>.</summary>
public static class StreamErrors
{
    /// <summary>
    /// stream:error carries its code in <c>code</c>; without one, a <c>conflict</c> child means another client took the
    /// session (440) and anything else is a bad session (500).
    /// </summary>
    public static DisconnectInfo FromStreamError(BinaryNode node)
    {
        var reasonTag = node.Children.Count > 0 ? node.Children[0].Tag : "unknown";
        var code = ParseCode(node.GetAttribute("code"))
            ?? (reasonTag == "conflict" ? (int)DisconnectReason.ConnectionReplaced : (int)DisconnectReason.BadSession);
        var reason = code == (int)DisconnectReason.RestartRequired ? "restart required" : reasonTag;
        return new DisconnectInfo(code, $"Stream Errored ({reason})");
    }

    /// <summary><c>failure</c> carries the code in <c>reason</c> (401 after the phone removed this device).</summary>
    public static DisconnectInfo FromFailure(BinaryNode node) =>
        new(ParseCode(node.GetAttribute("reason")) ?? (int)DisconnectReason.BadSession, "Connection Failure");

    private static int? ParseCode(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
}

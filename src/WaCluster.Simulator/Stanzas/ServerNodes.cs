using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Simulator.Stanzas;

/// <summary>Stanzas the server sends in many places: iq answers, stream errors, acks.</summary>
public static class ServerNodes
{
    public const string Server = JidServer.User;

    public static BinaryNode IqResult(BinaryNode request, params ReadOnlySpan<BinaryNode> children) =>
        children.IsEmpty
            ? new BinaryNode("iq", [("from", Server), ("type", "result"), ("id", request["id"])])
            : new BinaryNode("iq", [("from", Server), ("type", "result"), ("id", request["id"])], children);

    /// <summary>An error answer, as the server sends for iqs it does not support or cannot satisfy.</summary>
    public static BinaryNode IqError(BinaryNode request, int code, string text) =>
        new("iq", [("from", Server), ("type", "error"), ("id", request["id"])],
            [new BinaryNode("error", [("code", code.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("text", text)])]);

    /// <summary>A stream error carrying only a code (515 restart after pairing, 401 removed, ...).</summary>
    public static BinaryNode StreamError(int code) =>
        new("stream:error", [("code", code.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    /// <summary>A stream error with a reason child, e.g. conflict type="replaced".</summary>
    public static BinaryNode StreamError(BinaryNode reason) => new("stream:error", [], [reason]);

    public static BinaryNode Ack(string ackClass, string id, string? from, string? type = null, string? participant = null, long? t = null) =>
        new("ack", [("class", ackClass), ("id", id), ("from", from), ("type", type), ("participant", participant),
            ("t", t?.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    public static string Timestamp(long seconds) => seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

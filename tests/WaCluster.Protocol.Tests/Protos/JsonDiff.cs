using System.Text.Json;
using System.Text.Json.Nodes;

namespace WaCluster.Protocol.Tests.Protos;

/// <summary>Structural JSON equality that compares numbers by value (Node and .NET spell exponents differently).</summary>
internal static class JsonDiff
{
    /// <summary>The path of the first difference, or null when both values are equal.</summary>
    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected, actual)
        {
            case (null, null):
                return null;
            case (JsonObject e, JsonObject a):
                foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    if (!e.ContainsKey(key) || !a.ContainsKey(key))
                    {
                        return $"{path}.{key} present on one side only";
                    }
                    if (FirstDifference(e[key], a[key], $"{path}.{key}") is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count)
                {
                    return $"{path} has {e.Count} vs {a.Count} items";
                }
                for (var i = 0; i < e.Count; i++)
                {
                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case (JsonValue e, JsonValue a):
                return SameValue(e, a) ? null : $"{path}: {e.ToJsonString()} vs {a.ToJsonString()}";
            default:
                return $"{path}: {expected?.ToJsonString() ?? "null"} vs {actual?.ToJsonString() ?? "null"}";
        }
    }

    private static bool SameValue(JsonValue expected, JsonValue actual)
    {
        var (e, a) = (JsonElementOf(expected), JsonElementOf(actual));
        if (e.ValueKind != a.ValueKind)
        {
            return false;
        }
        return e.ValueKind switch
        {
            JsonValueKind.Number => e.GetDouble().Equals(a.GetDouble()),
            JsonValueKind.String => e.GetString() == a.GetString(),
            _ => e.ValueKind == a.ValueKind,
        };
    }

    private static JsonElement JsonElementOf(JsonValue value) => JsonDocument.Parse(value.ToJsonString()).RootElement;
}

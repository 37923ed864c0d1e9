using System.Text.Encodings.Web;
using System.Text.Json;

namespace WaCluster.Core.AppState;

/// <summary>
/// A record's index: a JSON array of strings (action name, chat jid, message fields) written as JavaScript's
/// JSON.stringify writes it, since its bytes are MACed and must match the other clients' byte for byte.
/// </summary>
public static class AppStateIndex
{
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Encode(IReadOnlyList<string> parts)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartArray();
            foreach (var part in parts)
            {
                writer.WriteStringValue(part);
            }
            writer.WriteEndArray();
        }
        return buffer.ToArray();
    }

    public static IReadOnlyList<string> Decode(ReadOnlySpan<byte> index)
    {
        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(index);
            if (parts is null || parts.Any(part => part is null))
            {
                throw new AppStateException(AppStateError.MalformedAction, "an app state index is a JSON array of strings");
            }
            return parts;
        }
        catch (JsonException error)
        {
            throw new AppStateException(AppStateError.MalformedAction, "an app state index is not valid JSON", error);
        }
    }
}

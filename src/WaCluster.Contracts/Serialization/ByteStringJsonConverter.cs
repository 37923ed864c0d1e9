using Google.Protobuf;
using Newtonsoft.Json;

namespace WaCluster.Contracts.Serialization;

/// <summary>
/// Lets Akka's JSON serializer copy a <see cref="ByteString"/>. Our messages never go through JSON themselves, but
/// with serialize-messages = on Akka round-trips its own local persistence envelopes (which carry our journal events
/// as nested objects) through JSON, and without this converter those copies fail.
/// </summary>
public sealed class ByteStringJsonConverter : JsonConverter<ByteString>
{
    public override void WriteJson(JsonWriter writer, ByteString? value, JsonSerializer serializer) =>
        writer.WriteValue(value?.ToBase64());

    public override ByteString ReadJson(JsonReader reader, Type objectType, ByteString? existingValue, bool hasExistingValue, JsonSerializer serializer) =>
        reader.Value is string base64 ? ByteString.FromBase64(base64) : ByteString.Empty;
}

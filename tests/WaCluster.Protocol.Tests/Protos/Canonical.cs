using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace WaCluster.Protocol.Tests.Protos;

/// <summary>
/// The value of a message in the shape the Node handler gives Baileys' messages: present fields by proto name,
/// 64-bit integers as decimal strings, bytes as base64, enums as numbers; implicit-presence fields at their default
/// count as absent (protobuf's rule). Built from our descriptors, independently of the Node side.
/// </summary>
internal static class Canonical
{
    public static JsonObject Of(IMessage message)
    {
        var result = new JsonObject();
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                var list = (IList)value;
                if (list.Count == 0)
                {
                    continue;
                }
                var array = new JsonArray();
                foreach (var item in list)
                {
                    array.Add(Scalar(field, item));
                }
                result[field.Name] = array;
            }
            else if (field.HasPresence ? field.Accessor.HasValue(message) : !IsDefault(field, value))
            {
                result[field.Name] = Scalar(field, value);
            }
        }
        return result;
    }

    private static bool IsDefault(FieldDescriptor field, object value) => field.FieldType switch
    {
        FieldType.String => ((string)value).Length == 0,
        FieldType.Bytes => ((ByteString)value).IsEmpty,
        FieldType.Enum => Convert.ToInt32(value, CultureInfo.InvariantCulture) == 0,
        FieldType.Bool => !(bool)value,
        FieldType.Double => (double)value == 0,
        FieldType.Float => (float)value == 0,
        _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture) == 0,
    };

    private static JsonNode Scalar(FieldDescriptor field, object value) => field.FieldType switch
    {
        FieldType.Message => Of((IMessage)value),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 =>
            JsonValue.Create(((long)value).ToString(CultureInfo.InvariantCulture)),
        FieldType.UInt64 or FieldType.Fixed64 => JsonValue.Create(((ulong)value).ToString(CultureInfo.InvariantCulture)),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => JsonValue.Create((int)value),
        FieldType.UInt32 or FieldType.Fixed32 => JsonValue.Create((uint)value),
        FieldType.Enum => JsonValue.Create(Convert.ToInt32(value, CultureInfo.InvariantCulture)),
        FieldType.Bool => JsonValue.Create((bool)value),
        FieldType.String => JsonValue.Create((string)value),
        FieldType.Bytes => JsonValue.Create(((ByteString)value).ToBase64()),
        FieldType.Double => JsonValue.Create((double)value),
        FieldType.Float => JsonValue.Create((double)(float)value),
        _ => throw new NotSupportedException($"{field.FullName}: field type {field.FieldType} is not used by WAProto"),
    };
}

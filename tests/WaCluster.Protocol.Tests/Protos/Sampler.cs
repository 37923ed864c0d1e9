using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace WaCluster.Protocol.Tests.Protos;

/// <summary>
/// Fills our generated messages with seeded values by walking our descriptors: every field gets a chance, edge values
/// (limits, zero as an explicit default, sign) are favoured, one member per oneof, nesting stops at a depth.
/// </summary>
internal sealed class Sampler(int seed)
{
    private static readonly int[] Int32s = [0, 1, -1, int.MaxValue, int.MinValue];
    private static readonly uint[] UInt32s = [0, 1, 127, 128, uint.MaxValue];
    private static readonly long[] Int64s = [0, 1, -1, long.MaxValue, long.MinValue, (1L << 53) + 1];
    private static readonly ulong[] UInt64s = [0, 1, 1UL << 32, ulong.MaxValue, (1UL << 53) + 1];
    private static readonly double[] Doubles = [0, 1.5, -2.25, 1e300, -double.Epsilon];
    private static readonly float[] Floats = [0, 1.5f, -0.25f, float.MaxValue];
    private static readonly string[] Strings = ["", "b", "naïve façade", "👍🏽 ✓", "4915112345678:7@s.whatsapp.net", new string('y', 300), "tab\there"];

    private readonly Random _random = new(seed);

    public IMessage Populate(MessageDescriptor descriptor, int depth, string? onlyField = null)
    {
        var message = (IMessage)Activator.CreateInstance(descriptor.ClrType)!;
        var chosen = descriptor.Oneofs.Where(o => !o.IsSynthetic)
            .ToDictionary(o => o, o => o.Fields[_random.Next(o.Fields.Count)]);
        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            if (onlyField is not null && field.Name != onlyField)
            {
                continue;
            }
            if (field.RealContainingOneof is { } oneof && chosen[oneof] != field && onlyField is null)
            {
                continue;
            }
            if (field.FieldType == FieldType.Message && depth <= 0)
            {
                continue;
            }
            if (onlyField is null && _random.NextDouble() < 0.2)
            {
                continue;
            }
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                for (var n = 1 + _random.Next(3); n > 0; n--)
                {
                    list.Add(Value(field, depth));
                }
            }
            else
            {
                field.Accessor.SetValue(message, Value(field, depth));
            }
        }
        return message;
    }

    private object Value(FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.Message => Populate(field.MessageType, depth - 1),
        FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, Pick(field.EnumType.Values.ToArray()).Number),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Pick(Int32s, () => _random.Next(int.MinValue, int.MaxValue)),
        FieldType.UInt32 or FieldType.Fixed32 => Pick(UInt32s, () => (uint)_random.NextInt64(uint.MaxValue)),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Pick(Int64s, () => _random.NextInt64(long.MinValue, long.MaxValue)),
        FieldType.UInt64 or FieldType.Fixed64 => Pick(UInt64s, () => (ulong)_random.NextInt64(long.MaxValue) * 2),
        FieldType.Bool => _random.Next(2) == 1,
        FieldType.Double => Pick(Doubles, () => _random.Next() / 1024.0),
        FieldType.Float => Pick(Floats, () => _random.Next(1 << 20) / 64f),
        FieldType.String => Pick(Strings),
        FieldType.Bytes => ByteString.CopyFrom(RandomBytes(Pick<int>([0, 1, 32, _random.Next(90)]))),
        _ => throw new NotSupportedException($"{field.FullName}: field type {field.FieldType} is not used by WAProto"),
    };

    private T Pick<T>(IReadOnlyList<T> edges, Func<T> other) => _random.Next(edges.Count + 1) is var i && i < edges.Count ? edges[i] : other();

    private T Pick<T>(IReadOnlyList<T> values) => values[_random.Next(values.Count)];

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }
}

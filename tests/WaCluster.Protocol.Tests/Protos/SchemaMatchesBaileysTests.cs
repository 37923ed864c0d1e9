using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;
using WaCluster.TestSupport;

namespace WaCluster.Protocol.Tests.Protos;

/// <summary>
/// Our descriptors against WAProto's, type by type: same field names, numbers, types, presence and oneofs, same enum
/// values. A WAProto field we lack is allowed only when it holds a sub-message type we deliberately do not define, or
/// an enum proto3 cannot declare (no zero value); its number must stay unused here.
/// </summary>
[Trait("Proof", "wire-proto")]
public sealed class SchemaMatchesBaileysTests(NodeFixture fixture) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    private JsonObject _theirs = null!;

    public async Task InitializeAsync()
    {
        var names = OurSchema.AllMessages.Select(m => m.FullName).Concat(OurSchema.AllEnums.Select(e => e.FullName));
        _theirs = (await fixture.Node.CallAsync("proto.describe", new { names }))!.AsObject();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void Our_schema_is_one_package_in_the_csharp_namespace()
    {
        Assert.NotEmpty(OurSchema.Files);
        Assert.All(OurSchema.Files, f => Assert.Equal("proto", f.Package));
        Assert.All(OurSchema.Files, f => Assert.Equal("WaCluster.Protocol.Proto", f.GetOptions().CsharpNamespace));
    }

    [Fact]
    public void Every_message_field_matches_WAProto()
    {
        var ours = OurSchema.AllMessages.Select(m => m.FullName).ToHashSet();
        var problems = new List<string>();
        foreach (var message in OurSchema.AllMessages)
        {
            if (_theirs[message.FullName] is not JsonObject theirs || (string?)theirs["kind"] != "message")
            {
                problems.Add($"{message.FullName}: not a message in WAProto");
                continue;
            }
            var theirFields = theirs["fields"]!.AsArray().Select(f => f!.AsObject()).ToDictionary(f => (string)f["name"]!);
            foreach (var field in message.Fields.InFieldNumberOrder())
            {
                if (!theirFields.TryGetValue(field.Name, out var their))
                {
                    problems.Add($"{field.FullName}: not in WAProto");
                    continue;
                }
                Compare(problems, field, "number", field.FieldNumber, (int)their["number"]!);
                Compare(problems, field, "type", TypeName(field), (string)their["type"]!);
                Compare(problems, field, "repeated", field.IsRepeated, (bool)their["repeated"]!);
                Compare(problems, field, "proto3 optional", field.ToProto().Proto3Optional, (bool)their["proto3Optional"]!);
                Compare(problems, field, "oneof", field.RealContainingOneof?.Name, (string?)their["oneof"]);
            }
            foreach (var (name, their) in theirFields)
            {
                if (message.FindFieldByName(name) is not null)
                {
                    continue;
                }
                var type = (string)their["type"]!;
                var trimmable = (string?)their["typeKind"] == "message" || (bool)their["enumWithoutZero"]!;
                if (!trimmable || ours.Contains(type) || message.FindFieldByNumber((int)their["number"]!) is not null)
                {
                    problems.Add($"{message.FullName}.{name} ({type} = {their["number"]}): missing here");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_enum_has_exactly_WAProtos_values()
    {
        var problems = new List<string>();
        foreach (var enumType in OurSchema.AllEnums)
        {
            if (_theirs[enumType.FullName] is not JsonObject theirs || (string?)theirs["kind"] != "enum")
            {
                problems.Add($"{enumType.FullName}: not an enum in WAProto");
                continue;
            }
            var theirValues = theirs["values"]!.AsArray().Select(v => $"{v!["name"]}={v["number"]}").Order(StringComparer.Ordinal);
            var ourValues = enumType.Values.Select(v => $"{v.Name}={v.Number}").Order(StringComparer.Ordinal);
            if (!theirValues.SequenceEqual(ourValues))
            {
                problems.Add($"{enumType.FullName}: ours [{string.Join(", ", ourValues)}] vs WAProto [{string.Join(", ", theirValues)}]");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static void Compare<T>(List<string> problems, FieldDescriptor field, string what, T ours, T theirs)
    {
        if (!EqualityComparer<T>.Default.Equals(ours, theirs))
        {
            problems.Add($"{field.FullName}: {what} is {ours} here but {theirs} in WAProto");
        }
    }

    private static string TypeName(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message => field.MessageType.FullName,
        FieldType.Enum => field.EnumType.FullName,
        _ => field.FieldType.ToString().ToLowerInvariant(),
    };
}

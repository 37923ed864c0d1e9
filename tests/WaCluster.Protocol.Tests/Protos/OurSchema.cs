using System.Reflection;
using Google.Protobuf.Reflection;
using WaCluster.Protocol.Proto;

namespace WaCluster.Protocol.Tests.Protos;

/// <summary>Every message and enum our .proto files define, found through the generated descriptors.</summary>
internal static class OurSchema
{
    public static IReadOnlyList<FileDescriptor> Files { get; } = typeof(HandshakeMessage).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(HandshakeMessage).Namespace && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
        .Select(t => (FileDescriptor)t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
        .OrderBy(f => f.Name, StringComparer.Ordinal)
        .ToArray();

    public static IReadOnlyList<MessageDescriptor> TopLevelMessages { get; } =
        Files.SelectMany(f => f.MessageTypes).ToArray();

    public static IReadOnlyList<MessageDescriptor> AllMessages { get; } =
        TopLevelMessages.SelectMany(WithNested).ToArray();

    public static IReadOnlyList<EnumDescriptor> AllEnums { get; } =
        Files.SelectMany(f => f.EnumTypes).Concat(AllMessages.SelectMany(m => m.EnumTypes)).ToArray();

    public static MessageDescriptor Message(string fullName) =>
        AllMessages.Single(m => m.FullName == fullName);

    private static IEnumerable<MessageDescriptor> WithNested(MessageDescriptor message) =>
        message.NestedTypes.SelectMany(WithNested).Prepend(message);
}

using Akka.Actor;
using Akka.Event;
using Google.Protobuf;

namespace WaCluster.Node.Hosting;

/// <summary>
/// Akka's log message formatter for the node. Protobuf messages print every bytes field (creds, Signal keys) as base64
/// from ToString, and Akka logs undeliverable messages through its log templates (a region without an extractor for
/// them, dead letters): such an argument is logged as its type name only.
/// </summary>
public sealed class SecretSafeLogFormatter : ILogMessageFormatter
{
    /// <summary>The HOCON line that makes every logging adapter of a system use this formatter.</summary>
    public static string Hocon => $"akka.logger-formatter = \"{typeof(SecretSafeLogFormatter).FullName}, {typeof(SecretSafeLogFormatter).Assembly.GetName().Name}\"";

    public string Format(string format, params object[] args) => SemanticLogMessageFormatter.Instance.Format(format, Redact(args));

    public string Format(string format, IEnumerable<object> args) => SemanticLogMessageFormatter.Instance.Format(format, Redact(args));

    private static object[] Redact(IEnumerable<object> args) => [.. args.Select(Redact)];

    private static object Redact(object arg) => arg switch
    {
        IMessage message => $"[{message.Descriptor.Name}]",
        IWrappedMessage { Message: IMessage wrapped } => $"[{arg.GetType().Name} of {wrapped.Descriptor.Name}]",
        _ => arg,
    };
}

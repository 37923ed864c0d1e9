using Akka.Actor;
using Akka.Event;

namespace WaCluster.Node.Hosting;

/// <summary>
/// Logs undelivered and unhandled messages by type, sender and recipient only. It replaces Akka's own dead-letter
/// logging, which appends each message's ToString: for the protobuf messages that is their creds and keys in base64.
/// At most <see cref="PerWindow"/> lines per <see cref="Window"/>, then one line saying how many went unlogged.
/// </summary>
public sealed class DeadLetterLog : ReceiveActor
{
    private const int PerWindow = 10;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Switches off Akka's content-printing paths; this actor takes over the dead-letter lines.</summary>
    public const string Hocon = "akka.log-dead-letters = off\nakka.actor.debug { unhandled = off, receive = off }";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DateTime _windowStart = DateTime.MinValue;
    private int _inWindow;

    public DeadLetterLog()
    {
        Receive<AllDeadLetters>(Log);
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new DeadLetterLog());

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(AllDeadLetters));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void Log(AllDeadLetters letter)
    {
        var now = DateTime.UtcNow;
        if (now - _windowStart >= Window)
        {
            if (_inWindow > PerWindow) _log.Info("{0} more dead letters were not logged", _inWindow - PerWindow);
            _windowStart = now;
            _inWindow = 0;
        }
        if (++_inWindow > PerWindow) return;
        var what = letter switch
        {
            UnhandledMessage => "was unhandled",
            Dropped => "was dropped",
            _ => "was not delivered",
        };
        var message = letter.Message is IWrappedMessage wrapped ? wrapped.Message : letter.Message;
        _log.Info("Message [{0}] from {1} to {2} {3}", message.GetType().Name, letter.Sender.Path, letter.Recipient.Path, what);
    }
}

using System.Net.Sockets;
using System.Net.WebSockets;
using System.Threading.Channels;
using Akka.Actor;

// One type per forbidden dependency: the rules must reject each of them, or they could not fail.
namespace WaCluster.Architecture.Tests.Violations;

internal sealed class UsesWebSocket
{
    public static WebSocketState Closed => WebSocketState.Closed;
}

internal sealed class UsesHttp
{
    public static Type Client => typeof(System.Net.Http.HttpClient);
}

internal sealed class UsesSocket
{
    public static SocketFlags None => SocketFlags.None;
}

internal sealed class UsesFile
{
    public static bool Exists(string path) => File.Exists(path);
}

internal sealed class UsesChannel
{
    public static Channel<int> Create() => Channel.CreateUnbounded<int>();
}

internal sealed class UsesTimer
{
    public static Timer Start(TimerCallback tick) => new(tick);
}

internal sealed class UsesPeriodicTimer
{
    public static PeriodicTimer Every(TimeSpan period) => new(period);
}

internal sealed class UsesAkka : ReceiveActor;

internal sealed class UsesEngine
{
    public static Type Engine => typeof(WaCluster.Engine.AccountEngine);
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaCluster.Client;
using WaCluster.Contracts.Proto;
using WaCluster.Demo;
using WaCluster.Node.Hosting;
using WaCluster.Simulator;

// dotnet run --project src/WaCluster.Demo -- [--port N] [--data DIR] [--exit]
// Starts the embedded WhatsApp simulator and one cluster node journaling to DIR/wacluster.db (a temp folder by
// default); two accounts are started and paired through the cluster API, then chat through it. The simulator and the
// node keep running for other clients (Baileys with WA_CERT_DETAILS.PUBLIC_KEY set to the printed root key) until Ctrl+C.
var port = 0;
string? dataDirectory = null;
var exitAfterDemo = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length:
            port = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--data" when i + 1 < args.Length:
            dataDirectory = args[++i];
            break;
        case "--exit":
            exitAfterDemo = true;
            break;
        default:
            Console.Error.WriteLine("usage: WaCluster.Demo [--port N] [--data DIR] [--exit]");
            return 2;
    }
}

await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Port = port });
Console.WriteLine($"simulator {simulator.ChatUri}  admin {simulator.BaseUri}admin/");
Console.WriteLine($"simulator root key {Convert.ToBase64String(simulator.Simulator.RootPublicKey)}");

dataDirectory ??= Path.Combine(Path.GetTempPath(), "wacluster-demo-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(dataDirectory);
var journalFile = Path.Combine(dataDirectory, "wacluster.db");
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddWaClusterNode(new WaClusterNodeOptions
{
    Hostname = "127.0.0.1",
    Port = FreePort(),
    SqliteFile = journalFile,
    Engine = EngineEndpointOptions.Simulator(simulator.ChatUri, simulator.Simulator.RootPublicKey),
    ExtraHocon = "akka.loglevel = WARNING",
});
using var node = builder.Build();
await node.StartAsync();
Console.WriteLine($"cluster node up, journal {journalFile}");

var cluster = node.Services.GetRequiredService<IWhatsAppCluster>();
var events = new ClusterEvents();
using var subscription = cluster.Subscribe(null, events.Add);
// Pub-sub is at most once: give the subscription a moment to reach the mediator before the accounts publish.
await Task.Delay(TimeSpan.FromMilliseconds(500));

var alice = await PairAsync("alice", "15550100001");
var bob = await PairAsync("bob", "15550100002");

await Converse(alice, bob, "Hello Bob, this went through the cluster, Noise, Signal and the simulator.");
await Converse(bob, alice, "Hi Alice! Journaled before the ack, published after.");
await Converse(alice, bob, "And the account actors can fail over without a new QR.");

foreach (var account in new[] { alice, bob })
{
    var status = await cluster.GetStatusAsync(account.Name);
    Console.WriteLine($"[{account.Name}] {status.Connection}, journal at seq {status.LastSequenceNr}, {status.SignalChanges} Signal changes, {status.PendingSends} pending sends");
}
var counters = simulator.Simulator.Counters;
Console.WriteLine($"simulator: {counters.Pairings} pairings, {counters.Logins} logins, {counters.StanzasIn} stanzas in, {counters.StanzasOut} out, {counters.Conflicts} conflicts");
if (!exitAfterDemo)
{
    Console.WriteLine("demo done; the node and the simulator keep running for other clients. Ctrl+C stops them.");
    var stop = new TaskCompletionSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.TrySetResult();
    };
    await stop.Task;
}
await node.StopAsync();
return 0;

async Task<DemoAccount> PairAsync(string name, string phone)
{
    await cluster.StartAccountAsync(name);
    var qr = await events.NextAsync<QrCodeIssued>(e => e.AccountId == name);
    var paired = await simulator.Simulator.ScanAsync(qr.Qr, phone);
    await events.NextAsync<ConnectionChanged>(e => e.AccountId == name && e.Connection == ConnectionState.Connected);
    Console.WriteLine($"[{name}] paired as {paired.Jid}");
    return new DemoAccount(name, paired.Jid);
}

async Task Converse(DemoAccount from, DemoAccount to, string text)
{
    var messageId = "demo-" + Guid.NewGuid().ToString("N")[..12];
    await cluster.SendTextAsync(from.Name, messageId, to.Jid, text);
    var received = await events.NextAsync<MessageReceived>(e => e.AccountId == to.Name && e.Text == text);
    await events.NextAsync<SendCompleted>(e => e.AccountId == from.Name && e.MessageId == messageId);
    Console.WriteLine($"[{to.Name}] <- {from.Name} ({received.MessageId}): {received.Text}");
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

internal sealed record DemoAccount(string Name, string Jid);

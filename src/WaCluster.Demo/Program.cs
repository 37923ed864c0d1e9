using System.Globalization;
using WaCluster.Demo;
using WaCluster.Engine.Events;
using WaCluster.Simulator;

// dotnet run --project src/WaCluster.Demo -- [--port N] [--exit]
// Starts the embedded WhatsApp simulator, pairs two of our accounts by QR, lets them chat, then keeps the simulator
// up for other clients (Baileys with WA_CERT_DETAILS.PUBLIC_KEY set to the printed root key) until Ctrl+C.
var port = 0;
var exitAfterDemo = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length:
            port = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--exit":
            exitAfterDemo = true;
            break;
        default:
            Console.Error.WriteLine("usage: WaCluster.Demo [--port N] [--exit]");
            return 2;
    }
}

await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Port = port });
Console.WriteLine($"simulator {simulator.ChatUri}  admin {simulator.BaseUri}admin/");
Console.WriteLine($"simulator root key {Convert.ToBase64String(simulator.Simulator.RootPublicKey)}");

await using var alice = await DemoAccount.PairAsync("alice", "15550100001", simulator);
await using var bob = await DemoAccount.PairAsync("bob", "15550100002", simulator);

await Converse(alice, bob, "Hello Bob, this went through Noise, Signal and the simulator.");
await Converse(bob, alice, "Hi Alice! Decrypted and acknowledged.");
await Converse(alice, bob, "Every state change was persisted before the ack.");

Console.WriteLine($"state changes handed to the journal: alice {alice.Journal.Changes}, bob {bob.Journal.Changes}");
var counters = simulator.Simulator.Counters;
Console.WriteLine($"simulator: {counters.Pairings} pairings, {counters.Logins} logins, {counters.StanzasIn} stanzas in, {counters.StanzasOut} out, {counters.Conflicts} conflicts");
if (exitAfterDemo)
{
    return 0;
}
Console.WriteLine("demo done; the simulator keeps running for other clients. Ctrl+C stops it.");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
await stop.Task;
return 0;

static async Task Converse(DemoAccount from, DemoAccount to, string text)
{
    var id = await from.Engine.SendTextAsync(to.Jid, text);
    var received = await to.NextAsync<MessagesUpsert>(u => u.Messages.Any(m => m.Key.Id == id));
    var message = received.Messages.First(m => m.Key.Id == id);
    Console.WriteLine($"[{to.Name}] <- {from.Name} ({id}): {message.Text}");
}

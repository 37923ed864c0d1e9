using WaCluster.Signal;
using WaCluster.Signal.Groups;
using WaCluster.TestSupport;

namespace WaCluster.Benchmarks;

/// <summary>
/// Group messages per second, each encrypted by one party and decrypted by another: our sender keys against Baileys'
/// group cipher timed inside Node in the same run. "cipher" keeps live records (cipher work only); "stored" also
/// persists the record after every operation in each side's storage format (our protobuf, Baileys' JSON).
/// </summary>
public static class SignalGroupMeasurements
{
    private const int PlaintextLength = 100;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    public static async Task RunAsync(BenchmarkReport report)
    {
        var ours = await OursAsync(persist: false);
        var oursStored = await OursAsync(persist: true);

        await using var node = await NodeHarness.StartAsync();
        // Baileys signs and verifies in pure JavaScript; a few hundred messages already take seconds.
        var theirs = await node.CallAsync<NodeRates>("groups.bench", new { count = 400, size = PlaintextLength }, TimeSpan.FromMinutes(5));

        report.Line("signal.group.ours", ours, "msg/s");
        report.Line("signal.group.baileys", theirs.Cipher, "msg/s");
        report.Line("signal.group.ratio", ours / theirs.Cipher, "x");
        report.Line("signal.group.stored.ours", oursStored, "msg/s");
        report.Line("signal.group.stored.baileys", theirs.Stored, "msg/s");
        report.Line("signal.group.stored.ratio", oursStored / theirs.Stored, "x");
    }

    private static async Task<double> OursAsync(bool persist)
    {
        var name = new SenderKeyName("bench@g.us", new ProtocolAddress("111", 1));
        var senderStore = new InMemorySenderKeyStore();
        var receiverStore = new InMemorySenderKeyStore();
        var distribution = await new GroupSessionBuilder(senderStore).CreateAsync(name);
        await new GroupSessionBuilder(receiverStore).ProcessAsync(name, SenderKeyDistributionMessage.Parse(distribution.Serialize()));
        var sender = (await senderStore.LoadSenderKeyAsync(name))!;
        var receiver = (await receiverStore.LoadSenderKeyAsync(name))!;
        var plaintext = new byte[PlaintextLength];

        return BenchmarkReport.Throughput(() =>
        {
            if (persist)
            {
                sender = SenderKeyRecord.FromBytes(sender.ToBytes());
                receiver = SenderKeyRecord.FromBytes(receiver.ToBytes());
            }
            var message = SenderKeyCipher.Encrypt(sender, plaintext);
            SenderKeyCipher.Decrypt(receiver, message);
        }, Duration);
    }

    private sealed record NodeRates(double Cipher, double Stored);
}

public sealed class SignalGroupsBenchmark : IBenchmark
{
    public string Name => "signal-groups";

    public Task RunAsync(BenchmarkReport report) => SignalGroupMeasurements.RunAsync(report);
}

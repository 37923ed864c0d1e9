using System.Diagnostics;
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
        var (encryptRate, decryptRate) = await OursOneWayAsync();

        await using var node = await NodeHarness.StartAsync();
        // Baileys signs and verifies in pure JavaScript; a few hundred messages already take seconds.
        var theirs = await node.CallAsync<NodeRates>("groups.bench", new { count = 400, size = PlaintextLength }, TimeSpan.FromMinutes(5));

        report.Line("signal.group.ours", ours, "msg/s");
        report.Line("signal.group.baileys", theirs.Cipher, "msg/s");
        report.Line("signal.group.ratio", ours / theirs.Cipher, "x");
        report.Line("signal.group.stored.ours", oursStored, "msg/s");
        report.Line("signal.group.stored.baileys", theirs.Stored, "msg/s");
        report.Line("signal.group.stored.ratio", oursStored / theirs.Stored, "x");
        report.Line("signal.group.encrypt.ours", encryptRate, "msg/s");
        report.Line("signal.group.decrypt.ours", decryptRate, "msg/s");
    }

    /// <summary>Encrypt and decrypt rates on their own (signing vs verifying), over one batch of messages.</summary>
    private static async Task<(double Encrypt, double Decrypt)> OursOneWayAsync()
    {
        const int count = 10_000;
        var (sender, receiver) = await PartiesAsync();
        var plaintext = new byte[PlaintextLength];
        for (var i = 0; i < 200; i++)
        {
            SenderKeyCipher.Decrypt(receiver, SenderKeyCipher.Encrypt(sender, plaintext));
        }
        var messages = new byte[count][];
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            messages[i] = SenderKeyCipher.Encrypt(sender, plaintext);
        }
        var encrypt = count / watch.Elapsed.TotalSeconds;
        watch.Restart();
        foreach (var message in messages)
        {
            SenderKeyCipher.Decrypt(receiver, message);
        }
        return (encrypt, count / watch.Elapsed.TotalSeconds);
    }

    private static async Task<double> OursAsync(bool persist)
    {
        var (sender, receiver) = await PartiesAsync();
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

    /// <summary>Our sending record and a receiver's record holding its key (via a serialized distribution message).</summary>
    private static async Task<(SenderKeyRecord Sender, SenderKeyRecord Receiver)> PartiesAsync()
    {
        var name = new SenderKeyName("bench@g.us", new ProtocolAddress("111", 1));
        var senderStore = new InMemorySenderKeyStore();
        var receiverStore = new InMemorySenderKeyStore();
        var distribution = await new GroupSessionBuilder(senderStore).CreateAsync(name);
        await new GroupSessionBuilder(receiverStore).ProcessAsync(name, SenderKeyDistributionMessage.Parse(distribution.Serialize()));
        return ((await senderStore.LoadSenderKeyAsync(name))!, (await receiverStore.LoadSenderKeyAsync(name))!);
    }

    private sealed record NodeRates(double Cipher, double Stored);
}

public sealed class SignalGroupsBenchmark : IBenchmark
{
    public string Name => "signal-groups";

    public Task RunAsync(BenchmarkReport report) => SignalGroupMeasurements.RunAsync(report);
}

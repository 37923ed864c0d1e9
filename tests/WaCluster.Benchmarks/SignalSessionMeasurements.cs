using WaCluster.Signal;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Messages;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;
using WaCluster.TestSupport;

namespace WaCluster.Benchmarks;

/// <summary>
/// 1:1 messages per second, each encrypted by one party and decrypted by the other: along one chain (one sender) and
/// ping-pong (alternating senders, a DH ratchet step per message). Ours runs every operation as the account actor
/// will: in a transaction whose change is serialized (the journal event) and applied to the store. libsignal-node
/// runs in the same run with its own in-memory store keeping records serialized, as Baileys does.
/// </summary>
public static class SignalSessionMeasurements
{
    private const int PlaintextLength = 100;
    private const int Rounds = 3;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(BenchmarkReport report)
    {
        await using var node = await NodeHarness.StartAsync();
        // Warm both JITs first; then alternate the two sides a few rounds and keep each side's best, so that load
        // from other processes on the machine biases neither.
        await OursAsync(pingPong: false, TimeSpan.FromMilliseconds(300));
        await TheirsAsync(node, "chain", 500);
        double chain = 0, pingPong = 0, theirChain = 0, theirPingPong = 0;
        for (var round = 0; round < Rounds; round++)
        {
            chain = Math.Max(chain, await OursAsync(pingPong: false, Duration));
            theirChain = Math.Max(theirChain, await TheirsAsync(node, "chain", 4000));
            pingPong = Math.Max(pingPong, await OursAsync(pingPong: true, Duration));
            theirPingPong = Math.Max(theirPingPong, await TheirsAsync(node, "pingpong", 400));
        }

        report.Line("signal.chain.ours", chain, "msg/s");
        report.Line("signal.chain.libsignal", theirChain, "msg/s");
        report.Line("signal.chain.ratio", chain / theirChain, "x");
        report.Line("signal.pingpong.ours", pingPong, "msg/s");
        report.Line("signal.pingpong.libsignal", theirPingPong, "msg/s");
        report.Line("signal.pingpong.ratio", pingPong / theirPingPong, "x");
    }

    private static async Task<double> TheirsAsync(NodeHarness node, string mode, int count) =>
        (await node.CallAsync<NodeRate>("signal.bench", new { mode, count, size = PlaintextLength }, TimeSpan.FromMinutes(5))).PerSecond;

    private static async Task<double> OursAsync(bool pingPong, TimeSpan duration)
    {
        var alice = Party.Create("alice");
        var bob = Party.Create("bob");
        var preKey = KeyHelper.GeneratePreKeys(1, 1)[0];
        var signed = KeyHelper.GenerateSignedPreKey(bob.Identity, 1);
        await bob.Store.StorePreKeyAsync(preKey);
        await bob.Store.StoreSignedPreKeyAsync(signed);
        await new SessionBuilder(alice.Store, bob.Address).ProcessBundleAsync(new PreKeyBundle(bob.RegistrationId,
            bob.Identity.PublicKey, signed.Id, signed.PrefixedPublicKey, signed.Signature, preKey.Id, preKey.PrefixedPublicKey));
        await bob.DecryptAsync(alice, await alice.EncryptAsync(bob, new byte[PlaintextLength]));
        await alice.DecryptAsync(bob, await bob.EncryptAsync(alice, new byte[PlaintextLength]));

        var plaintext = new byte[PlaintextLength];
        var turn = 0;
        return BenchmarkReport.Throughput(() =>
        {
            var (sender, receiver) = !pingPong || (turn++ & 1) == 0 ? (alice, bob) : (bob, alice);
            var message = sender.EncryptAsync(receiver, plaintext).GetAwaiter().GetResult();
            receiver.DecryptAsync(sender, message).GetAwaiter().GetResult();
        }, duration);
    }

    private sealed class Party
    {
        private Party(ProtocolAddress address, IdentityKeyPair identity, uint registrationId)
        {
            Address = address;
            Identity = identity;
            RegistrationId = registrationId;
            Store = new InMemorySignalProtocolStore(identity, registrationId);
        }

        public ProtocolAddress Address { get; }

        public IdentityKeyPair Identity { get; }

        public uint RegistrationId { get; }

        public InMemorySignalProtocolStore Store { get; }

        public static Party Create(string name) => new(new ProtocolAddress(name, 1), KeyHelper.GenerateIdentityKeyPair(), KeyHelper.GenerateRegistrationId());

        public async Task<EncryptedMessage> EncryptAsync(Party to, byte[] plaintext)
        {
            var transaction = new SignalStoreTransaction(Store);
            var message = await new SessionCipher(transaction, to.Address).EncryptAsync(plaintext);
            await CommitAsync(transaction);
            return message;
        }

        public async Task DecryptAsync(Party from, EncryptedMessage message)
        {
            var transaction = new SignalStoreTransaction(Store);
            await new SessionCipher(transaction, from.Address).DecryptAsync(message.Type, message.Body);
            await CommitAsync(transaction);
        }

        private async Task CommitAsync(SignalStoreTransaction transaction)
        {
            var change = transaction.ToChange();
            // The journal write the account actor would do before acknowledging.
            GC.KeepAlive(change.ToByteArray());
            await change.ApplyAsync(Store);
        }
    }

    private sealed record NodeRate(int Messages, double Seconds, double PerSecond);
}

public sealed class SignalSessionsBenchmark : IBenchmark
{
    public string Name => "signal-sessions";

    public Task RunAsync(BenchmarkReport report) => SignalSessionMeasurements.RunAsync(report);
}

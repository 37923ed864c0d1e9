using CsCheck;
using WaCluster.Signal.Groups;

namespace WaCluster.Signal.Tests.Groups;

/// <summary>
/// Random runs of one sender and two receivers (all ours): sends, losses, reorderings, duplicates, corrupted copies,
/// key rotations and redistributions. A model says what each delivery must do; every store step round-trips bytes.
/// </summary>
[Trait("Proof", "signal-property")]
public sealed class GroupPropertyTests
{
    private const string Group = "120363000000000042@g.us";
    private const int Receivers = 2;
    private static readonly SenderKeyName Name = new(Group, new ProtocolAddress("15550009999", 2));

    private static readonly Gen<(int Kind, int Pick)[]> Runs =
        Gen.Select(Gen.Int[0, 99], Gen.Int[0, int.MaxValue]).Array[1, 250];

    [Fact]
    public void Random_interleavings_never_desynchronise_or_decrypt_twice()
    {
        Runs.Sample(run => new GroupRun().Play(run), iter: 150, threads: 1);
    }

    private sealed record Sent(byte[] Plaintext, byte[] Message, uint KeyId);

    private sealed class GroupRun
    {
        private readonly SerializingSenderKeyStore _senderStore = new();
        private readonly SerializingSenderKeyStore[] _receiverStores = [new(), new()];
        private readonly List<Sent> _sent = [];
        private readonly HashSet<int>[] _delivered = [[], []];
        private readonly List<uint> _distributedKeyIds = [];
        private SenderKeyDistributionMessage _distribution = null!;

        public void Play((int Kind, int Pick)[] run)
        {
            Distribute(new GroupSessionBuilder(_senderStore).CreateAsync(Name).GetAwaiter().GetResult());
            foreach (var (kind, pick) in run)
            {
                var receiver = pick % Receivers;
                switch (kind)
                {
                    case < 40:
                        Send(pick);
                        break;
                    case < 70:
                        DeliverNew(receiver, pick / Receivers);
                        break;
                    case < 80:
                        DeliverAgain(receiver, pick / Receivers);
                        break;
                    case < 90:
                        DeliverCorrupted(receiver, pick / Receivers);
                        break;
                    case < 95:
                        Distribute(new GroupSessionBuilder(_senderStore).RotateAsync(Name).GetAwaiter().GetResult());
                        break;
                    default:
                        // A redistribution of the key a receiver already holds must not rewind its chain.
                        new GroupSessionBuilder(_receiverStores[receiver]).ProcessAsync(Name, _distribution).GetAwaiter().GetResult();
                        break;
                }
            }
            // Whatever was lost so far, everything still undelivered decrypts now (or belongs to an evicted key).
            for (var r = 0; r < Receivers; r++)
            {
                for (var i = 0; i < _sent.Count; i++)
                {
                    if (!_delivered[r].Contains(i))
                    {
                        Deliver(r, i);
                    }
                }
            }
        }

        private void Distribute(SenderKeyDistributionMessage distribution)
        {
            _distribution = distribution;
            _distributedKeyIds.Add(distribution.KeyId);
            foreach (var store in _receiverStores)
            {
                new GroupSessionBuilder(store).ProcessAsync(Name, distribution).GetAwaiter().GetResult();
            }
        }

        private void Send(int pick)
        {
            var plaintext = new byte[pick % 97];
            new Random(pick).NextBytes(plaintext);
            var message = new GroupCipher(_senderStore, Name).EncryptAsync(plaintext).GetAwaiter().GetResult();
            _sent.Add(new Sent(plaintext, message, _distribution.KeyId));
        }

        private void DeliverNew(int receiver, int pick)
        {
            var waiting = Enumerable.Range(0, _sent.Count).Where(i => !_delivered[receiver].Contains(i)).ToArray();
            if (waiting.Length > 0)
            {
                Deliver(receiver, waiting[pick % waiting.Length]);
            }
        }

        private void Deliver(int receiver, int index)
        {
            var sent = _sent[index];
            var cipher = new GroupCipher(_receiverStores[receiver], Name);
            if (IsEvicted(sent.KeyId))
            {
                AssertRejected<NoSessionException>(receiver, sent.Message);
            }
            else
            {
                Assert.Equal(sent.Plaintext, cipher.DecryptAsync(sent.Message).GetAwaiter().GetResult());
            }
            _delivered[receiver].Add(index);
        }

        private void DeliverAgain(int receiver, int pick)
        {
            var done = _delivered[receiver].Order().ToArray();
            if (done.Length == 0)
            {
                return;
            }
            var sent = _sent[done[pick % done.Length]];
            if (IsEvicted(sent.KeyId))
            {
                AssertRejected<NoSessionException>(receiver, sent.Message);
            }
            else
            {
                AssertRejected<DuplicateMessageException>(receiver, sent.Message);
            }
        }

        private void DeliverCorrupted(int receiver, int pick)
        {
            if (_sent.Count == 0)
            {
                return;
            }
            var corrupted = (byte[])_sent[pick % _sent.Count].Message.Clone();
            var bit = pick / _sent.Count % (corrupted.Length * 8);
            corrupted[bit / 8] ^= (byte)(1 << (bit % 8));
            AssertRejected<SignalException>(receiver, corrupted);
        }

        // Receivers keep the newest five keys they were given.
        private bool IsEvicted(uint keyId) =>
            !_distributedKeyIds.TakeLast(SenderKeyRecord.MaxStates).Contains(keyId);

        private void AssertRejected<TException>(int receiver, byte[] message)
            where TException : SignalException
        {
            var store = _receiverStores[receiver];
            var writes = store.Writes;
            var before = store.BytesOf(Name);
            var cipher = new GroupCipher(store, Name);
            Assert.ThrowsAny<TException>(() => cipher.DecryptAsync(message).GetAwaiter().GetResult());
            Assert.Equal(writes, store.Writes);
            Assert.Equal(before, store.BytesOf(Name));
        }
    }
}

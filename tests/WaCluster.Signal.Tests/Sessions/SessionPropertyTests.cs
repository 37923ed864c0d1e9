using CsCheck;
using WaCluster.Signal.Messages;
using WaCluster.Signal.Tests.Support;

namespace WaCluster.Signal.Tests.Sessions;

/// <summary>
/// Two of our devices over a hostile network (random interleavings, reordering, losses, duplicates, restarts from
/// serialized state), every operation through the transaction and a serialized, re-parsed change set.
/// </summary>
[Trait("Proof", "signal-property")]
public sealed class SessionPropertyTests
{
    [Fact]
    public void Random_interleavings_losses_and_reorderings_never_desynchronise_nor_decrypt_twice() =>
        Gen.Int[0, int.MaxValue].Sample(seed => new NetworkRun(seed).PlayAsync().GetAwaiter().GetResult(), iter: 40, threads: 1);

    private sealed record Packet(int Id, bool FromAlice, EncryptedMessage Message, byte[] Plaintext, byte[] RatchetKey);

    private sealed class NetworkRun(int seed)
    {
        private static readonly ProtocolAddress AliceAddress = new("alice", 1);
        private static readonly ProtocolAddress BobAddress = new("bob", 1);

        private readonly Random _random = new(seed);
        private readonly List<Packet> _inFlight = [];
        private readonly List<Packet> _delivered = [];
        private readonly HashSet<int> _decrypted = [];
        private readonly HashSet<string> _keysSeenByAlice = [];
        private readonly HashSet<string> _keysSeenByBob = [];
        private OurDevice _alice = null!;
        private OurDevice _bob = null!;
        private int _nextId;

        public async Task PlayAsync()
        {
            _alice = await OurDevice.CreateAsync();
            _bob = await OurDevice.CreateAsync();
            await _alice.ProcessBundleAsync(BobAddress, _bob.Bundle(_random.Next(2) == 0 ? _bob.PreKeys[0] : null));

            for (var step = 0; step < 250; step++)
            {
                var action = _random.Next(100);
                if (action < 40 || _inFlight.Count == 0)
                {
                    await SendAsync(fromAlice: _random.Next(2) == 0 || !await BobHasSessionAsync());
                }
                else if (action < 80)
                {
                    await DeliverAsync(Take(_inFlight), duplicate: false);
                }
                else if (action < 88)
                {
                    // Lost on the way.
                    Take(_inFlight);
                }
                else if (action < 95 && _delivered.Count > 0)
                {
                    await DeliverAsync(_delivered[_random.Next(_delivered.Count)], duplicate: true);
                }
                else
                {
                    await (_random.Next(2) == 0 ? _alice : _bob).ReloadFromBytesAsync();
                }
            }

            // Whatever happened, both still talk in order afterwards.
            foreach (var fromAlice in new[] { true, false, true, false })
            {
                await SendAsync(fromAlice);
                await DeliverAsync(Take(_inFlight, _inFlight.Count - 1), duplicate: false);
            }
        }

        private async Task<bool> BobHasSessionAsync() => (await _bob.Store.LoadSessionAsync(AliceAddress)) is not null;

        private async Task SendAsync(bool fromAlice)
        {
            var plaintext = new byte[_random.Next(0, 120)];
            _random.NextBytes(plaintext);
            var (sender, to) = fromAlice ? (_alice, BobAddress) : (_bob, AliceAddress);
            var message = await sender.EncryptAsync(to, plaintext);
            var ratchetKey = message.Type == SignalMessageType.PreKey
                ? PreKeyWhisperMessage.Parse(message.Body).Message.SenderRatchetKey
                : WhisperMessage.Parse(message.Body).SenderRatchetKey;
            _inFlight.Add(new Packet(_nextId++, fromAlice, message, plaintext, ratchetKey));
        }

        private async Task DeliverAsync(Packet packet, bool duplicate)
        {
            var (receiver, from, seen) = packet.FromAlice ? (_bob, AliceAddress, _keysSeenByBob) : (_alice, BobAddress, _keysSeenByAlice);
            var key = Convert.ToBase64String(packet.RatchetKey);
            var before = receiver.Store.Sessions.GetValueOrDefault(from);
            // A chain the receiver knew but has since dropped (beyond its receiving-chain bound) cannot decrypt.
            var chainDropped = seen.Contains(key) && (before?.Open is not { } open || open.FindReceivingChain(packet.RatchetKey) < 0);
            if (duplicate || chainDropped)
            {
                var error = await Assert.ThrowsAnyAsync<SignalException>(() =>
                    receiver.DecryptAsync(from, packet.Message.Type, packet.Message.Body));
                if (duplicate && !chainDropped)
                {
                    Assert.IsType<DuplicateMessageException>(error);
                }
                Assert.Same(before, receiver.Store.Sessions.GetValueOrDefault(from));
                return;
            }
            var plaintext = await receiver.DecryptAsync(from, packet.Message.Type, packet.Message.Body);
            Assert.Equal(packet.Plaintext, plaintext);
            Assert.True(_decrypted.Add(packet.Id), $"message {packet.Id} decrypted twice");
            seen.Add(key);
            _delivered.Add(packet);
        }

        private Packet Take(List<Packet> packets, int? index = null)
        {
            var i = index ?? _random.Next(packets.Count);
            var packet = packets[i];
            packets.RemoveAt(i);
            return packet;
        }
    }
}

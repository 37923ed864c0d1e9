using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Noise;

namespace WaCluster.Protocol.Tests.Noise;

/// <summary>Hostile handshake messages into both roles: only typed ProtocolExceptions, bounded memory and time.</summary>
[Trait("Proof", "wire-fuzz")]
public sealed class NoiseFuzzTests
{
    private static readonly TestServerIdentity Server = TestServerIdentity.Create();

    [Fact]
    public void Random_ClientHello_bytes_fail_typed_with_bounded_allocation()
    {
        var random = new Random(1);
        for (var round = 0; round < 2000; round++)
        {
            var input = new byte[random.Next(0, 3000)];
            random.NextBytes(input);
            using var responder = new NoiseResponder(Server.Static, Server.Chain);
            var before = GC.GetAllocatedBytesForCurrentThread();
            OnlyTyped(() => responder.ReadClientHello([], input));
            AllocationBounded(before, input.Length, round);
        }
    }

    [Fact]
    public void Mutated_ClientHello_and_ClientFinish_fail_typed_or_succeed()
    {
        var random = new Random(2);
        for (var round = 0; round < 1000; round++)
        {
            using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair(), Server.Verifier);
            var hello = initiator.CreateClientHello();
            using var responder = new NoiseResponder(Server.Static, Server.Chain);
            var serverHello = responder.ReadClientHello([], hello);
            var finish = initiator.ReadServerHello(serverHello, RandomNumberGenerator.GetBytes(random.Next(0, 200)));

            using var fresh = new NoiseResponder(Server.Static, Server.Chain);
            OnlyTyped(() => fresh.ReadClientHello([], Mutate(hello, random)));
            var mutated = Mutate(finish, random);
            var before = GC.GetAllocatedBytesForCurrentThread();
            OnlyTyped(() => responder.ReadClientFinish(mutated));
            AllocationBounded(before, mutated.Length, round);
        }
    }

    [Fact]
    public void Random_and_mutated_ServerHello_fail_our_initiator_typed()
    {
        var random = new Random(3);
        for (var round = 0; round < 1000; round++)
        {
            using var initiator = new NoiseInitiator(Curve25519.GenerateKeyPair(), Server.Verifier);
            var hello = initiator.CreateClientHello();
            using var responder = new NoiseResponder(Server.Static, Server.Chain);
            var serverHello = responder.ReadClientHello([], hello);
            byte[] input;
            if (round % 2 == 0)
            {
                input = new byte[random.Next(0, 2000)];
                random.NextBytes(input);
            }
            else
            {
                input = Mutate(serverHello, random);
            }
            var before = GC.GetAllocatedBytesForCurrentThread();
            OnlyTyped(() => initiator.ReadServerHello(input, [1, 2, 3]));
            AllocationBounded(before, input.Length, round);
        }
    }

    [Fact]
    public async Task A_stream_of_random_bytes_into_the_responder_fails_typed_and_quickly()
    {
        var random = new Random(4);
        for (var round = 0; round < 300; round++)
        {
            var input = new byte[random.Next(0, 4000)];
            random.NextBytes(input);
            if (round % 2 == 0 && input.Length > 7)
            {
                // A valid intro and a frame prefix that fits, so the bytes reach the Noise layer.
                new byte[] { 0x57, 0x41, 0x06, 0x03, 0, (byte)((input.Length - 7) >> 8), (byte)(input.Length - 7) }.CopyTo(input, 0);
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var failure = await Assert.ThrowsAnyAsync<ProtocolException>(() =>
                NoiseHandshake.AcceptAsync(new MemoryStream(input), Server.ServerOptions, timeout.Token));
            Assert.True(failure is NoiseException or WaCluster.Protocol.Framing.FrameException, failure.GetType().Name);
        }
    }

    private static byte[] Mutate(byte[] message, Random random)
    {
        var copy = (byte[])message.Clone();
        switch (random.Next(4))
        {
            case 0:
                return copy[..random.Next(0, copy.Length)];
            case 1:
                for (var i = 0; i < 1 + random.Next(4); i++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                return copy;
            case 2:
                // Lie in a length byte: protobuf lengths sit right after each field tag.
                copy[random.Next(Math.Min(copy.Length, 8))] = (byte)random.Next(256);
                return copy;
            default:
                var extended = new byte[copy.Length + random.Next(1, 100)];
                copy.CopyTo(extended, 0);
                random.NextBytes(extended.AsSpan(copy.Length));
                return extended;
        }
    }

    private static void OnlyTyped(Action action)
    {
        try
        {
            action();
        }
        catch (ProtocolException)
        {
            // Typed failure: acceptable.
        }
    }

    // Each step's fixed cost (key agreement, HKDF, cipher setup, protobuf objects) plus a constant factor of the input.
    private static void AllocationBounded(long before, int inputLength, int round)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= 8L * inputLength + 64 * 1024, $"round {round}: {allocated} bytes allocated for {inputLength} input bytes");
    }
}

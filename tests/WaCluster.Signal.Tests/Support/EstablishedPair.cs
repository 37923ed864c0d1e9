using WaCluster.Signal.Messages;

namespace WaCluster.Signal.Tests.Support;

/// <summary>Two of our devices with a confirmed session (one message each way).</summary>
internal sealed record EstablishedPair(OurDevice Alice, OurDevice Bob)
{
    public static readonly ProtocolAddress AliceAddress = new("alice", 1);
    public static readonly ProtocolAddress BobAddress = new("bob", 1);

    public static async Task<EstablishedPair> CreateAsync()
    {
        var alice = await OurDevice.CreateAsync();
        var bob = await OurDevice.CreateAsync();
        await alice.ProcessBundleAsync(BobAddress, bob.Bundle(bob.PreKeys[0]));
        var hello = await alice.EncryptAsync(BobAddress, [1]);
        await bob.DecryptAsync(AliceAddress, hello.Type, hello.Body);
        var answer = await bob.EncryptAsync(AliceAddress, [2]);
        await alice.DecryptAsync(BobAddress, answer.Type, answer.Body);
        return new EstablishedPair(alice, bob);
    }

    public async Task<EncryptedMessage> AliceSendsAsync(byte[] plaintext) => await Alice.EncryptAsync(BobAddress, plaintext);

    public Task<byte[]> BobReceivesAsync(EncryptedMessage message) => Bob.DecryptAsync(AliceAddress, message.Type, message.Body);
}

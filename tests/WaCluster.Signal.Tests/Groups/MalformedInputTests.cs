using CsCheck;
using WaCluster.Signal.Groups;

namespace WaCluster.Signal.Tests.Groups;

/// <summary>Hostile bytes at every entry point end in a typed Signal error, never a crash, and change no state.</summary>
[Trait("Proof", "signal-property")]
public sealed class MalformedInputTests
{
    private static readonly SenderKeyName Name = new("1203630000000007@g.us", new ProtocolAddress("15550007777", 0));

    [Fact]
    public void Random_bytes_are_typed_errors_everywhere()
    {
        var (record, _) = ReceivingRecord();
        var before = record.ToBytes();
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            AssertTypedOrValid(() => SenderKeyMessage.Parse(bytes));
            AssertTypedOrValid(() => SenderKeyDistributionMessage.Parse(bytes));
            AssertTypedOrValid(() => SenderKeyRecord.FromBytes(bytes));
            Assert.ThrowsAny<SignalException>(() => SenderKeyCipher.Decrypt(record, bytes));
        }, iter: 20_000);
        Assert.Equal(before, record.ToBytes());
    }

    [Fact]
    public void Every_truncation_and_bit_flip_of_a_real_message_is_rejected_without_a_state_change()
    {
        var (record, message) = ReceivingRecord();
        var before = record.ToBytes();
        for (var length = 0; length < message.Length; length++)
        {
            Assert.ThrowsAny<SignalException>(() => SenderKeyCipher.Decrypt(record, message.AsSpan(0, length)));
        }
        for (var bit = 0; bit < message.Length * 8; bit++)
        {
            var flipped = (byte[])message.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.ThrowsAny<SignalException>(() => SenderKeyCipher.Decrypt(record, flipped));
        }
        Assert.Equal(before, record.ToBytes());
        Assert.NotEmpty(SenderKeyCipher.Decrypt(record, message));
    }

    [Fact]
    public async Task Lying_lengths_and_foreign_versions_are_refused()
    {
        var signature = new byte[SenderKeyMessage.SignatureLength];
        // Ciphertext field claiming 2^32 - 1 bytes.
        byte[] lying = [0x33, 0x08, 0x01, 0x10, 0x00, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, .. signature];
        Assert.Throws<InvalidMessageException>(() => SenderKeyMessage.Parse(lying));
        byte[] version2 = [0x22, 0x08, 0x01, 0x10, 0x00, 0x1A, 0x00, .. signature];
        Assert.Throws<InvalidMessageException>(() => SenderKeyMessage.Parse(version2));
        byte[] missingCiphertext = [0x33, 0x08, 0x01, 0x10, 0x00, .. signature];
        Assert.Throws<InvalidMessageException>(() => SenderKeyMessage.Parse(missingCiphertext));
        byte[] wideIteration = [0x33, 0x08, 0x01, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x1A, 0x00, .. signature];
        Assert.Throws<InvalidMessageException>(() => SenderKeyMessage.Parse(wideIteration));

        var distribution = (await new GroupSessionBuilder(new InMemorySenderKeyStore()).CreateAsync(Name)).Serialize();
        var shortChainKey = (byte[])distribution.Clone();
        shortChainKey[Array.IndexOf(shortChainKey, (byte)0x1A) + 1] = 31; // the chain key field now spans 31 bytes
        Assert.ThrowsAny<SignalException>(() => SenderKeyDistributionMessage.Parse(shortChainKey));
        var badKeyType = (byte[])distribution.Clone();
        badKeyType[^33] = 0x06;
        Assert.Throws<InvalidKeyException>(() => SenderKeyDistributionMessage.Parse(badKeyType));
    }

    [Fact]
    public async Task Encrypting_without_an_own_key_is_a_typed_error()
    {
        var (record, _) = ReceivingRecord();
        Assert.Throws<NoSessionException>(() => SenderKeyCipher.Encrypt(record, [1, 2, 3]));
        Assert.Throws<NoSessionException>(() => SenderKeyCipher.Encrypt(new SenderKeyRecord(), [1, 2, 3]));
        var store = new InMemorySenderKeyStore();
        await Assert.ThrowsAsync<NoSessionException>(() => new GroupCipher(store, Name).EncryptAsync(new byte[] { 1 }));
        await Assert.ThrowsAsync<NoSessionException>(() => new GroupCipher(store, Name).DecryptAsync(new byte[80]));
    }

    /// <summary>A receiver's record holding one peer key, and one valid (unread) message of that key.</summary>
    private static (SenderKeyRecord Record, byte[] Message) ReceivingRecord()
    {
        var senderStore = new InMemorySenderKeyStore();
        var distribution = new GroupSessionBuilder(senderStore).CreateAsync(Name).GetAwaiter().GetResult();
        var message = new GroupCipher(senderStore, Name).EncryptAsync("hello group"u8.ToArray()).GetAwaiter().GetResult();
        var receiverStore = new InMemorySenderKeyStore();
        new GroupSessionBuilder(receiverStore).ProcessAsync(Name, distribution).GetAwaiter().GetResult();
        return (receiverStore.LoadSenderKeyAsync(Name).GetAwaiter().GetResult()!, message);
    }

    private static void AssertTypedOrValid(Action parse)
    {
        try
        {
            parse();
        }
        catch (SignalException)
        {
        }
    }
}
